"""The city of ``make loadtest`` at the end of a month: the month
opened, real users with a known password for the people of one large unit
(a unit of about 300 people with its sub-units: its staff, their evaluators,
the heads of its units) and for five HR officers, and half of the unit's
appraisals already reviewed (the heads have something to decide).

    python scripts/load/prepare.py [odoo options] -d DB --staff N --out users.json

Writes the logins by role, with what each simulated user works on, as JSON.
Run once on a copy of the city (``scripts/load/loadtest.sh`` keeps the
prepared copy as the template of the next runs).
"""

import argparse
import json
import os
import sys
import time

CITY_PASSWORD = os.environ.get("CITY_PASSWORD", "kpi-city-2026")


def log(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def main():  # noqa: C901 - one linear script
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=20_000)
    parser.add_argument("--out", required=True)
    args, odoo_args = parser.parse_known_args()
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path and odoo_path not in sys.path:
        sys.path.insert(0, odoo_path)
    import odoo
    from odoo import SUPERUSER_ID, Command, api
    from odoo.tools import SQL, config

    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    from odoo.addons.l10n_vn_hr_kpi.scripts.bench.generate import find_city

    registry = odoo.modules.registry.Registry(config["db_name"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        info = find_city(env, args.staff)
        period = env["hr.kpi.period"].browse(info["period_id"])
        company = period.company_id
        # the generated month is in 2026: its lock date after today, else the
        # daily cron closes it
        cr.execute(
            SQL(
                "UPDATE hr_kpi_period SET date_lock = CURRENT_DATE + 30 WHERE id = %s",
                period.id,
            )
        )
        period.invalidate_recordset()
        # the city's people work in Vietnamese
        if not env["res.lang"]._lang_get("vi_VN"):
            env["res.lang"]._activate_lang("vi_VN")
            env["ir.module.module"].search(
                [("state", "=", "installed")]
            )._update_translations(["vi_VN"])
            cr.commit()
            log("Vietnamese installed")
        start = time.perf_counter()
        if not env["hr.kpi.appraisal"].search_count(
            [("period_id", "=", period.id)], limit=1
        ):
            employees = env["hr.employee"].search([("company_id", "=", company.id)])
            groups = [
                key
                for key, _label in env["hr.kpi.evaluation.config"]
                ._fields["subject_group"]
                .selection
            ]
            created, _existing, _skipped = period._kpi_open_employees(
                employees, groups, 5000
            )
            env["hr.kpi.appraisal"]._kpi_analyze_tables()
            cr.commit()
            elapsed = time.perf_counter() - start
            log(f"month opened: {len(created)} appraisals ({elapsed:.0f} s)")
        # ---- the people of the unit of ~300 (with its sub-units) -------------
        unit = env["hr.department"].browse(info["unit300_id"])
        staff = env["hr.employee"].search([("department_id", "child_of", unit.id)])
        configs = env["hr.kpi.evaluation.config"].search(
            [("employee_id", "in", staff.ids)]
        )
        evaluators = configs.evaluator_id
        deciders = configs.decider_id
        people = staff | evaluators | deciders
        heads = env["hr.department"].search([("manager_id", "in", people.ids)])
        group = {
            "employee": env.ref("l10n_vn_hr_kpi.group_kpi_employee"),
            "evaluator": env.ref("l10n_vn_hr_kpi.group_kpi_evaluator"),
            "head": env.ref("l10n_vn_hr_kpi.group_kpi_head"),
            "hr": env.ref("l10n_vn_hr_kpi.group_kpi_hr_officer"),
        }
        Users = env["res.users"].with_context(no_reset_password=True)
        missing = people.filtered(lambda e: not e.user_id)
        vals = []
        for employee in missing:
            groups = group["employee"]
            if employee in evaluators:
                groups |= group["evaluator"]
            if employee in heads.manager_id or employee in deciders:
                groups |= group["head"]
            vals.append(
                {
                    "name": employee.name,
                    "login": f"load_{employee.id}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set(groups.ids)],
                    "tz": "Asia/Ho_Chi_Minh",
                    "lang": "vi_VN",
                }
            )
        if vals:
            users = Users.create(vals)
            for employee, user in zip(missing, users, strict=True):
                employee.user_id = user
            log(f"{len(users)} users for the unit's people")
        hr_users = Users.search([("login", "=like", f"load_hr_{company.id}_%")])
        if not hr_users:
            hr_users = Users.create(
                [
                    {
                        "name": f"Cán bộ tổ chức {i}",
                        "login": f"load_hr_{company.id}_{i}",
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [Command.set(group["hr"].ids)],
                        "tz": "Asia/Ho_Chi_Minh",
                        "lang": "vi_VN",
                    }
                    for i in range(1, 6)
                ]
            )
        env.flush_all()
        # one hash for every user of the load test (hashing is slow on purpose)
        password = Users._crypt_context().hash(CITY_PASSWORD)
        all_users = people.user_id | hr_users
        all_users.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        cr.execute(
            SQL(
                "UPDATE res_users SET password = %s WHERE id = ANY(%s)",
                password,
                all_users.ids,
            )
        )
        cr.commit()
        # ---- half of the unit's appraisals reviewed by their evaluator -------
        appraisals = env["hr.kpi.appraisal"].search(
            [("period_id", "=", period.id), ("employee_id", "in", staff.ids)]
        )
        reviewed = 0
        if not appraisals.filtered(lambda a: a.state == "reviewed"):
            for appraisal in appraisals.filtered(lambda a: a.employee_id.id % 2 == 0):
                evaluator = appraisal.evaluator_employee_id.user_id
                if not evaluator:
                    continue
                employee = appraisal.employee_id.user_id
                mine = appraisal.with_user(evaluator)
                try:
                    with cr.savepoint():
                        # the employee's self-evaluation, sent; the evaluator
                        # confirms the outcomes and sends his review
                        own = appraisal.with_user(employee)
                        for line in own.line_ids:
                            line.self_points = line.max_points
                        own.action_submit_self()
                        mine.action_mass_confirm_outcomes()
                        mine.level_proposed = mine.level_computed or "fail"
                        mine.action_review()
                    reviewed += 1
                except Exception as err:  # noqa: BLE001
                    log(f"not reviewed {appraisal.display_name}: {str(err)[:100]}")
            cr.commit()
            log(f"{reviewed} appraisals reviewed beforehand")
        # ---- what each simulated user works on -------------------------------
        by_role = {"employee": [], "evaluator": [], "head": [], "hr": []}
        appraisal_of = {a.employee_id.id: a.id for a in appraisals}
        for employee in staff:
            if employee.user_id and employee.id in appraisal_of:
                by_role["employee"].append(
                    {
                        "login": employee.user_id.login,
                        "appraisal_id": appraisal_of[employee.id],
                    }
                )
        for employee in evaluators:
            by_role["evaluator"].append({"login": employee.user_id.login})
        for department in heads:
            by_role["head"].append(
                {
                    "login": department.manager_id.user_id.login,
                    "department_id": department.id,
                }
            )
        for user in hr_users:
            by_role["hr"].append({"login": user.login})
        result = {
            "db": config["db_name"],
            "period_id": period.id,
            "company_id": company.id,
            "unit_id": unit.id,
            "unit_size": len(staff),
            "password": CITY_PASSWORD,
            **by_role,
        }
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
        log(
            "load users: "
            + ", ".join(f"{len(v)} {k}" for k, v in by_role.items())
            + f" (unit {unit.display_name}, {len(staff)} people)"
        )


if __name__ == "__main__":
    main()
