"""Recomputing the scores of many appraisals at once (a month of a city).

The appraisal's stored score fields are computed by ``hr.kpi.engine``; this
path computes them from plain rows by batches and writes the changed ones in
one query per batch, for the month's opening, a rule-set change, a reopening
and the migrations.
"""

from odoo import api, models
from odoo.tools import SQL, split_every

from .hr_kpi_appraisal import SCORE_FIELDS


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    # ---- recomputing the scores of many appraisals (a month of a city) -------

    @api.model
    def _kpi_score_field_names(self):
        """The score fields and the appraisal's stored fields computed from them
        (e.g. the result level), which the ORM would recompute after them."""
        names = set(SCORE_FIELDS)
        grown = True
        while grown:
            grown = False
            for field in self._fields.values():
                if field.name in names or not (field.store and field.compute):
                    continue
                if any(
                    dep.split(".")[0] in names for dep in self.pool.field_depends[field]
                ):
                    names.add(field.name)
                    grown = True
        return names

    @api.model
    def _kpi_analyze_tables(self):
        """Refresh PostgreSQL's statistics of the month's tables after a bulk
        change (a month opened for a city). Until autovacuum gets to them, the
        planner would take the new month for empty and scan the whole month for
        a head's or an evaluator's first page."""
        self.env.flush_all()
        for model in ("hr.kpi.appraisal", "hr.kpi.appraisal.line", "hr.kpi.task"):
            self.env.execute_query(
                SQL("ANALYZE %s", SQL.identifier(self.env[model]._table))
            )

    def _kpi_recompute_order(self):
        """The ids of ``self``, the evaluated before their leader (deepest first):
        when a leader's batch is computed, his staff's levels are already
        written, whatever the batch boundaries."""
        rows = self.env.execute_query(
            SQL(
                "SELECT id, leader_appraisal_id FROM hr_kpi_appraisal "
                "WHERE id = ANY(%s)",
                list(self.ids),
            )
        )
        leader_of = dict(rows)
        depth = {}
        for start in leader_of:
            chain, seen, node = [], set(), start
            while node in leader_of and node not in depth and node not in seen:
                chain.append(node)
                seen.add(node)
                node = leader_of[node]
            base = depth.get(node, 0)
            for level, member in enumerate(reversed(chain), start=1):
                depth[member] = base + level
        return sorted(leader_of, key=lambda id_: (-depth[id_], id_))

    def _kpi_recompute_scores(self, batch_size=5000):
        """Recompute every score of ``self`` by batches of ``batch_size``, in
        the order of ``_kpi_recompute_order``: the engine computes a batch from
        plain rows (``hr.kpi.engine._scores_of``), the scores that changed are
        written in one query, and the cache is emptied before the next batch,
        so the memory stays flat whatever the number of appraisals. Returns the
        number of appraisals recomputed."""
        self.env.flush_all()
        order = self._kpi_recompute_order()
        engine = self.env["hr.kpi.engine"]
        levels = {}
        for batch_ids in split_every(batch_size, order):
            self._kpi_write_scores(engine._scores_of(batch_ids, levels))
            self.env.invalidate_all()
        return len(order)

    def _kpi_write_scores(self, scores):
        """Write ``scores`` ({appraisal id: every score field}) where they
        differ from the database, in one UPDATE, as a flush of those fields
        would (``write_uid``, ``write_date``); no field stored elsewhere depends
        on them. The caller empties the cache. Returns the number of
        appraisals written."""
        names = sorted(SCORE_FIELDS)
        score_fields = [self._fields[name] for name in names]
        empty = self.browse()
        stored = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    "SELECT id, %s FROM hr_kpi_appraisal WHERE id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(name) for name in names),
                    list(scores),
                )
            )
        }
        changed = []
        for id_, values in scores.items():
            if id_ not in stored:
                continue
            new = [
                field.convert_to_cache(values[field.name], empty)
                for field in score_fields
            ]
            old = [
                field.convert_to_cache(value, empty)
                for field, value in zip(score_fields, stored[id_], strict=True)
            ]
            if new != old:
                changed.append((id_, new))
        if not changed:
            return 0
        arrays = [SQL("%s::int4[]", [id_ for id_, _new in changed])]
        for index, field in enumerate(score_fields):
            arrays.append(
                SQL(
                    "%s::%s[]",
                    [
                        field.convert_to_column(new[index], empty)
                        for _id, new in changed
                    ],
                    SQL(field.column_type[1]),
                )
            )
        self.env.execute_query(
            SQL(
                "UPDATE hr_kpi_appraisal a SET %s, write_uid = %s, write_date = %s "
                "FROM unnest(%s) AS v(id, %s) WHERE a.id = v.id",
                SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in names
                ),
                self.env.uid,
                self.env.cr.now(),
                SQL(", ").join(arrays),
                SQL(", ").join(SQL.identifier(name) for name in names),
            )
        )
        return len(changed)
