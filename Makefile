# The two commands of the README, plus helpers.
#   make run    demo server on http://localhost:8069 (database kpi_demo)
#   make test   the whole test suite; last line "N passed, N failed"
.PHONY: run test lint setup stop bench upgradecheck

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
