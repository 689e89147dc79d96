"""Background jobs (issue #18): the companies that exist get the default
threshold from which a month opens (and is recomputed) as background jobs,
5,000 configured employees, when the new column was left empty."""

THRESHOLD = 5000


def migrate(cr, version):
    cr.execute(
        "UPDATE res_company SET kpi_open_job_threshold = %s "
        "WHERE kpi_open_job_threshold IS NULL",
        (THRESHOLD,),
    )
