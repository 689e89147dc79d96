from . import test_install
from . import test_ui
from . import test_kpi_scoring
from . import test_kpi_quota
from . import test_kpi_task_access
from . import test_kpi_rule_set
from . import test_kpi_performance
from . import test_kpi_workflow
