from . import hr_kpi_report_form
from . import report_appraisal_sheet
from . import report_task_list
from . import report_unit_summary
from . import report_agency_summary
from . import report_correction_decision
from . import report_forms_xlsx
