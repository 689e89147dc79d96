# The two commands of the README, plus helpers.
#   make run    demo server on http://localhost:8069 (database kpi_demo)
#   make test   the whole test suite; last line "N passed, N failed"
.PHONY: run test lint setup stop bench upgradecheck faulttest benchjobs loadtest

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

setup:
	bash scripts/setup.sh

stop:
	bash scripts/pg.sh stop

# City-scale benchmark (README "Performance"): BENCH_N=2000 make bench
bench:
	bash scripts/bench.sh

# A database made by an earlier revision (UPGRADE_FROM) upgraded with -u to
# this checkout keeps its data (README "Upgrading")
upgradecheck:
	bash scripts/upgrade_check.sh

# A month opened as background jobs on a production-mode server while a worker
# is killed and PostgreSQL restarts (README "Background jobs"): FAULT_N=20000
faulttest:
	bash scripts/fault/faulttest.sh

# The same opening without a fault: its time through the server and its job
# runner next to the single-pass SQL of the same rows (FAULT_N=20000)
benchjobs:
	FAULT_FAULTS=0 bash scripts/fault/faulttest.sh

# Month-end load test with Locust on a production-mode server (README
# "Load test"): LOAD_N=20000 LOAD_USERS=50 LOAD_TIME=3m
loadtest:
	bash scripts/load/loadtest.sh
