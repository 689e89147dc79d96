from . import hr_kpi_appraisal_return
from . import hr_kpi_appraisal_appeal
from . import hr_kpi_appraisal_appeal_resolve
from . import hr_kpi_appraisal_reopen
from . import hr_kpi_decision
from . import hr_kpi_decision_line
from . import hr_kpi_period_open
from . import hr_kpi_period_open_line
