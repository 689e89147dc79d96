from . import hr_kpi_period_open
from . import hr_kpi_period_open_line
from . import hr_kpi_evaluation_config_apply
from . import hr_kpi_evaluation_check
from . import hr_kpi_evaluation_check_line
