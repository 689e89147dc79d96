from . import test_install
from . import test_ui
from . import test_kpi_config
from . import test_kpi_period_open
from . import test_kpi_notifier
