"""The tables of weekplan's one SQL schema, as ``metadata.create_all`` made them for 0013.

Frozen like every migration: generated once (by ``tests/contrib_django/freeze_tables.py``) from
:data:`weekplan.adapters.sqlalchemy.metadata` and never changed, so that
``0013_one_schema`` always creates the same tables. A later change of the
metadata comes with a migration of its own.
"""

from __future__ import annotations

from typing import Final

#: The tables in the order they are created (a foreign key's target first).
TABLES: Final = (
    "weekplan_changes",
    "weekplan_client_locks",
    "weekplan_dishes",
    "weekplan_drafts",
    "weekplan_generation_locks",
    "weekplan_generation_runs",
    "weekplan_instances",
    "weekplan_meal_history",
    "weekplan_rulesets",
    "weekplan_schedules",
    "weekplan_slot_locks",
    "weekplan_templates",
    "weekplan_ruleset_assignments",
)

#: Per table, its columns: ``(column, column of the old table, is a timestamp)``.
COLUMNS: Final = {
    "weekplan_changes": (
        ("tenant_id", "tenant_id", False),
        ("id", "id", False),
        ("subject", "subject", False),
        ("subject_id", "subject_id", False),
        ("client_ref", "client_ref", False),
        ("week_start_date", "week_start_date", False),
        ("change_type", "change_type", False),
        ("day_key", "day_key", False),
        ("slot_key", "slot_key", False),
        ("old_entry", "old_entry", False),
        ("new_entry", "new_entry", False),
        ("actor", "actor", False),
        ("source", "source", False),
        ("reason", "reason", False),
        ("at", "at", True),
        ("version_before", "version_before", False),
        ("version_after", "version_after", False),
    ),
    "weekplan_client_locks": (
        ("tenant_id", "tenant_id", False),
        ("client_ref", "client_ref", False),
    ),
    "weekplan_dishes": (
        ("tenant_id", "tenant_id", False),
        ("id", "id", False),
        ("name", "name", False),
        ("name_key", "name_key", False),
        ("meal_types", "meal_types", False),
        ("tags", "tags", False),
        ("ingredients", "ingredients", False),
        ("steps", "steps", False),
        ("version", "version", False),
        ("created_at", "created_at", True),
        ("updated_at", "updated_at", True),
    ),
    "weekplan_drafts": (
        ("tenant_id", "tenant_id", False),
        ("client_ref", "client_ref", False),
        ("week_start_date", "week_start_date", False),
        ("instance_id", "instance_id", False),
        ("base_version", "base_version", False),
        ("days", "days", False),
        ("version", "version", False),
        ("created_at", "created_at", True),
        ("updated_at", "updated_at", True),
        ("actor", "actor", False),
        ("guardrails", "guardrails", False),
    ),
    "weekplan_generation_locks": (("tenant_id", "tenant_id", False),),
    "weekplan_generation_runs": (
        ("tenant_id", "tenant_id", False),
        ("id", "id", False),
        ("client_ref", "client_ref", False),
        ("week_start_date", "week_start_date", False),
        ("run_type", "run_type", False),
        ("status", "status", False),
        ("started_at", "started_at", True),
        ("attempts", "attempts", False),
        ("duration_ms", "duration_ms", False),
        ("generator", "generator", False),
        ("generator_version", "generator_version", False),
        ("days", "days", False),
        ("ruleset_hash", "ruleset_hash", False),
        ("seed", "seed", False),
        ("draft_version", "draft_version", False),
        ("error_code", "error_code", False),
        ("error_message", "error_message", False),
    ),
    "weekplan_instances": (
        ("tenant_id", "tenant_id", False),
        ("id", "id", False),
        ("template_id", "template_id", False),
        ("client_ref", "client_ref", False),
        ("week_start_date", "week_start_date", False),
        ("days", "days", False),
        ("template_snapshot", "template_snapshot", False),
        ("version", "version", False),
        ("created_at", "created_at", True),
        ("updated_at", "updated_at", True),
        ("guardrails", "guardrails", False),
    ),
    "weekplan_meal_history": (
        ("tenant_id", "tenant_id", False),
        ("slot_kind", "slot_kind", False),
        ("dish_id", "dish_id", False),
        ("count", "total", False),
    ),
    "weekplan_rulesets": (
        ("tenant_id", "tenant_id", False),
        ("content_hash", "content_hash", False),
        ("diet_id", "diet_id", False),
        ("version", "version", False),
        ("document", "ruleset", False),
    ),
    "weekplan_schedules": (
        ("tenant_id", "tenant_id", False),
        ("client_ref", "client_ref", False),
        ("weekday", "weekday", False),
        ("wall_time", "wall_time", False),
        ("timezone", "timezone", False),
        ("weeks_ahead", "weeks_ahead", False),
        ("source_kind", "source_kind", False),
        ("template_id", "template_id", False),
        ("next_run_at", "next_run_at", True),
        ("last_week_done", "last_week_done", False),
        ("last_run_at", "last_run_at", True),
        ("last_outcome", "last_outcome", False),
        ("last_error_code", "last_error_code", False),
        ("last_error_message", "last_error_message", False),
    ),
    "weekplan_slot_locks": (
        ("tenant_id", "tenant_id", False),
        ("client_ref", "client_ref", False),
        ("week_start_date", "week_start_date", False),
        ("day_key", "day_key", False),
        ("slot_key", "slot_key", False),
        ("reason", "reason", False),
        ("ingredients", "ingredients", False),
        ("actor", "actor", False),
        ("locked_at", "locked_at", True),
    ),
    "weekplan_templates": (
        ("tenant_id", "tenant_id", False),
        ("id", "id", False),
        ("name", "name", False),
        ("name_key", "name_key", False),
        ("days", "days", False),
        ("version", "version", False),
        ("created_at", "created_at", True),
        ("updated_at", "updated_at", True),
    ),
    "weekplan_ruleset_assignments": (
        ("tenant_id", "tenant_id", False),
        ("client_ref", "client_ref", False),
        ("content_hash", "content_hash", False),
    ),
}

#: Per Django vendor, per table, the statements that create it and its indexes.
DDL: Final = {
    "sqlite": {
        "weekplan_changes": (
            (
                "CREATE TABLE weekplan_changes (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tid VARCHAR(64) NOT NULL,\n"
                "\tsubject VARCHAR(16) NOT NULL,\n"
                "\tsubject_id VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128),\n"
                "\tweek_start_date DATE,\n"
                "\tchange_type VARCHAR(16) NOT NULL,\n"
                "\tday_key VARCHAR(3) NOT NULL,\n"
                "\tslot_key VARCHAR(64) NOT NULL,\n"
                "\told_entry TEXT,\n"
                "\tnew_entry TEXT,\n"
                "\tactor VARCHAR(64),\n"
                "\tsource VARCHAR(16) NOT NULL,\n"
                "\treason VARCHAR(500),\n"
                "\tat DATETIME NOT NULL,\n"
                "\tversion_before INTEGER,\n"
                "\tversion_after INTEGER,\n"
                "\tCONSTRAINT pk_weekplan_changes PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_changes_client_ref_week_start_date_at_id ON weekplan_changes (tenant_id, client_ref, week_start_date, at, id)",
            "CREATE INDEX ix_weekplan_changes_at_id ON weekplan_changes (tenant_id, at, id)",
            "CREATE INDEX ix_weekplan_changes_client_ref_at_id ON weekplan_changes (tenant_id, client_ref, at, id)",
            "CREATE INDEX ix_weekplan_changes_subject_id_at_id ON weekplan_changes (tenant_id, subject_id, at, id)",
        ),
        "weekplan_client_locks": (
            (
                "CREATE TABLE weekplan_client_locks (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128) NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_client_locks PRIMARY KEY (tenant_id, client_ref)\n"
                ")"
            ),
        ),
        "weekplan_dishes": (
            (
                "CREATE TABLE weekplan_dishes (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tid VARCHAR(64) NOT NULL,\n"
                "\tname VARCHAR(200) NOT NULL,\n"
                "\tname_key VARCHAR(600) NOT NULL,\n"
                "\tmeal_types VARCHAR(100) NOT NULL,\n"
                "\ttags TEXT NOT NULL,\n"
                "\tingredients TEXT NOT NULL,\n"
                "\tsteps TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME,\n"
                "\tupdated_at DATETIME,\n"
                "\tCONSTRAINT pk_weekplan_dishes PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_dishes_by_name ON weekplan_dishes (tenant_id, name_key, id)",
        ),
        "weekplan_drafts": (
            (
                "CREATE TABLE weekplan_drafts (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128) NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\tinstance_id VARCHAR(64) NOT NULL,\n"
                "\tbase_version INTEGER NOT NULL,\n"
                "\tdays TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME NOT NULL,\n"
                "\tupdated_at DATETIME NOT NULL,\n"
                "\tactor VARCHAR(64),\n"
                "\tguardrails TEXT,\n"
                "\tCONSTRAINT pk_weekplan_drafts PRIMARY KEY (tenant_id, client_ref, week_start_date)\n"
                ")"
            ),
        ),
        "weekplan_generation_locks": (
            (
                "CREATE TABLE weekplan_generation_locks (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_generation_locks PRIMARY KEY (tenant_id)\n"
                ")"
            ),
        ),
        "weekplan_generation_runs": (
            (
                "CREATE TABLE weekplan_generation_runs (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tid VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128) NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\trun_type VARCHAR(16) NOT NULL,\n"
                "\tstatus VARCHAR(16) NOT NULL,\n"
                "\tstarted_at DATETIME NOT NULL,\n"
                "\tattempts INTEGER NOT NULL,\n"
                "\tduration_ms INTEGER NOT NULL,\n"
                "\tgenerator VARCHAR(100) NOT NULL,\n"
                "\tgenerator_version VARCHAR(100) NOT NULL,\n"
                "\tdays VARCHAR(40) NOT NULL,\n"
                "\truleset_hash VARCHAR(80),\n"
                "\tseed INTEGER,\n"
                "\tdraft_version INTEGER,\n"
                "\terror_code VARCHAR(100),\n"
                "\terror_message TEXT,\n"
                "\tCONSTRAINT pk_weekplan_generation_runs PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_generation_runs_started_at_id ON weekplan_generation_runs (tenant_id, started_at, id)",
            "CREATE INDEX ix_weekplan_generation_runs_client_ref_started_at_id ON weekplan_generation_runs (tenant_id, client_ref, started_at, id)",
        ),
        "weekplan_instances": (
            (
                "CREATE TABLE weekplan_instances (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tid VARCHAR(64) NOT NULL,\n"
                "\ttemplate_id VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128) NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\tdays TEXT NOT NULL,\n"
                "\ttemplate_snapshot TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME NOT NULL,\n"
                "\tupdated_at DATETIME NOT NULL,\n"
                "\tguardrails TEXT,\n"
                "\tCONSTRAINT pk_weekplan_instances PRIMARY KEY (tenant_id, id),\n"
                "\tCONSTRAINT uq_weekplan_instances_client_week UNIQUE (tenant_id, client_ref, week_start_date)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_instances_by_week ON weekplan_instances (tenant_id, week_start_date, client_ref)",
        ),
        "weekplan_meal_history": (
            (
                "CREATE TABLE weekplan_meal_history (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tslot_kind VARCHAR(192) NOT NULL,\n"
                "\tdish_id VARCHAR(64) NOT NULL,\n"
                "\tcount INTEGER NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_meal_history PRIMARY KEY (tenant_id, slot_kind, dish_id)\n"
                ")"
            ),
        ),
        "weekplan_rulesets": (
            (
                "CREATE TABLE weekplan_rulesets (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tcontent_hash VARCHAR(80) NOT NULL,\n"
                "\tdiet_id VARCHAR(200) NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tdocument TEXT NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_rulesets PRIMARY KEY (tenant_id, content_hash)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_rulesets_by_diet ON weekplan_rulesets (tenant_id, diet_id, version, content_hash)",
        ),
        "weekplan_schedules": (
            (
                "CREATE TABLE weekplan_schedules (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128) NOT NULL,\n"
                "\tweekday VARCHAR(3) NOT NULL,\n"
                "\twall_time VARCHAR(5) NOT NULL,\n"
                "\ttimezone VARCHAR(64) NOT NULL,\n"
                "\tweeks_ahead INTEGER NOT NULL,\n"
                "\tsource_kind VARCHAR(16) NOT NULL,\n"
                "\ttemplate_id VARCHAR(64),\n"
                "\tnext_run_at DATETIME NOT NULL,\n"
                "\tlast_week_done DATE,\n"
                "\tlast_run_at DATETIME,\n"
                "\tlast_outcome VARCHAR(16),\n"
                "\tlast_error_code VARCHAR(100),\n"
                "\tlast_error_message TEXT,\n"
                "\tCONSTRAINT pk_weekplan_schedules PRIMARY KEY (tenant_id, client_ref)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_schedules_next_run_at_client_ref ON weekplan_schedules (tenant_id, next_run_at, client_ref)",
            "CREATE INDEX ix_weekplan_schedules_next_run_at_tenant_id_901a8cee ON weekplan_schedules (next_run_at, tenant_id, client_ref)",
        ),
        "weekplan_slot_locks": (
            (
                "CREATE TABLE weekplan_slot_locks (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128) NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\tday_key VARCHAR(3) NOT NULL,\n"
                "\tslot_key VARCHAR(64) NOT NULL,\n"
                "\treason VARCHAR(500),\n"
                "\tingredients TEXT NOT NULL,\n"
                "\tactor VARCHAR(64),\n"
                "\tlocked_at DATETIME,\n"
                "\tCONSTRAINT pk_weekplan_slot_locks PRIMARY KEY (tenant_id, client_ref, week_start_date, day_key, slot_key)\n"
                ")"
            ),
        ),
        "weekplan_templates": (
            (
                "CREATE TABLE weekplan_templates (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tid VARCHAR(64) NOT NULL,\n"
                "\tname VARCHAR(200) NOT NULL,\n"
                "\tname_key VARCHAR(600) NOT NULL,\n"
                "\tdays TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME NOT NULL,\n"
                "\tupdated_at DATETIME NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_templates PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_templates_by_name ON weekplan_templates (tenant_id, name_key, id)",
        ),
        "weekplan_ruleset_assignments": (
            (
                "CREATE TABLE weekplan_ruleset_assignments (\n"
                "\ttenant_id VARCHAR(64) NOT NULL,\n"
                "\tclient_ref VARCHAR(128) NOT NULL,\n"
                "\tcontent_hash VARCHAR(80) NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_ruleset_assignments PRIMARY KEY (tenant_id, client_ref),\n"
                "\tCONSTRAINT fk_weekplan_ruleset_assignments_rulesets FOREIGN KEY(tenant_id, content_hash) REFERENCES weekplan_rulesets (tenant_id, content_hash)\n"
                ")"
            ),
        ),
    },
    "postgresql": {
        "weekplan_changes": (
            (
                "CREATE TABLE weekplan_changes (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tid VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tsubject VARCHAR(16) COLLATE "C" NOT NULL,\n'
                '\tsubject_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C",\n'
                "\tweek_start_date DATE,\n"
                '\tchange_type VARCHAR(16) COLLATE "C" NOT NULL,\n'
                '\tday_key VARCHAR(3) COLLATE "C" NOT NULL,\n'
                '\tslot_key VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\told_entry TEXT,\n"
                "\tnew_entry TEXT,\n"
                '\tactor VARCHAR(64) COLLATE "C",\n'
                '\tsource VARCHAR(16) COLLATE "C" NOT NULL,\n'
                "\treason VARCHAR(500),\n"
                "\tat TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tversion_before INTEGER,\n"
                "\tversion_after INTEGER,\n"
                "\tCONSTRAINT pk_weekplan_changes PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_changes_client_ref_week_start_date_at_id ON weekplan_changes (tenant_id, client_ref, week_start_date, at, id)",
            "CREATE INDEX ix_weekplan_changes_at_id ON weekplan_changes (tenant_id, at, id)",
            "CREATE INDEX ix_weekplan_changes_client_ref_at_id ON weekplan_changes (tenant_id, client_ref, at, id)",
            "CREATE INDEX ix_weekplan_changes_subject_id_at_id ON weekplan_changes (tenant_id, subject_id, at, id)",
        ),
        "weekplan_client_locks": (
            (
                "CREATE TABLE weekplan_client_locks (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C" NOT NULL,\n'
                "\tCONSTRAINT pk_weekplan_client_locks PRIMARY KEY (tenant_id, client_ref)\n"
                ")"
            ),
        ),
        "weekplan_dishes": (
            (
                "CREATE TABLE weekplan_dishes (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tid VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\tname VARCHAR(200) NOT NULL,\n"
                '\tname_key VARCHAR(600) COLLATE "C" NOT NULL,\n'
                "\tmeal_types VARCHAR(100) NOT NULL,\n"
                "\ttags TEXT NOT NULL,\n"
                "\tingredients TEXT NOT NULL,\n"
                "\tsteps TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at TIMESTAMP WITH TIME ZONE,\n"
                "\tupdated_at TIMESTAMP WITH TIME ZONE,\n"
                "\tCONSTRAINT pk_weekplan_dishes PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_dishes_by_name ON weekplan_dishes (tenant_id, name_key, id)",
        ),
        "weekplan_drafts": (
            (
                "CREATE TABLE weekplan_drafts (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C" NOT NULL,\n'
                "\tweek_start_date DATE NOT NULL,\n"
                '\tinstance_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\tbase_version INTEGER NOT NULL,\n"
                "\tdays TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tupdated_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                '\tactor VARCHAR(64) COLLATE "C",\n'
                "\tguardrails TEXT,\n"
                "\tCONSTRAINT pk_weekplan_drafts PRIMARY KEY (tenant_id, client_ref, week_start_date)\n"
                ")"
            ),
        ),
        "weekplan_generation_locks": (
            (
                "CREATE TABLE weekplan_generation_locks (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\tCONSTRAINT pk_weekplan_generation_locks PRIMARY KEY (tenant_id)\n"
                ")"
            ),
        ),
        "weekplan_generation_runs": (
            (
                "CREATE TABLE weekplan_generation_runs (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tid VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C" NOT NULL,\n'
                "\tweek_start_date DATE NOT NULL,\n"
                '\trun_type VARCHAR(16) COLLATE "C" NOT NULL,\n'
                '\tstatus VARCHAR(16) COLLATE "C" NOT NULL,\n'
                "\tstarted_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tattempts INTEGER NOT NULL,\n"
                "\tduration_ms INTEGER NOT NULL,\n"
                "\tgenerator VARCHAR(100) NOT NULL,\n"
                "\tgenerator_version VARCHAR(100) NOT NULL,\n"
                '\tdays VARCHAR(40) COLLATE "C" NOT NULL,\n'
                '\truleset_hash VARCHAR(80) COLLATE "C",\n'
                "\tseed INTEGER,\n"
                "\tdraft_version INTEGER,\n"
                '\terror_code VARCHAR(100) COLLATE "C",\n'
                "\terror_message TEXT,\n"
                "\tCONSTRAINT pk_weekplan_generation_runs PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_generation_runs_started_at_id ON weekplan_generation_runs (tenant_id, started_at, id)",
            "CREATE INDEX ix_weekplan_generation_runs_client_ref_started_at_id ON weekplan_generation_runs (tenant_id, client_ref, started_at, id)",
        ),
        "weekplan_instances": (
            (
                "CREATE TABLE weekplan_instances (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tid VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\ttemplate_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C" NOT NULL,\n'
                "\tweek_start_date DATE NOT NULL,\n"
                "\tdays TEXT NOT NULL,\n"
                "\ttemplate_snapshot TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tupdated_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tguardrails TEXT,\n"
                "\tCONSTRAINT pk_weekplan_instances PRIMARY KEY (tenant_id, id),\n"
                "\tCONSTRAINT uq_weekplan_instances_client_week UNIQUE (tenant_id, client_ref, week_start_date)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_instances_by_week ON weekplan_instances (tenant_id, week_start_date, client_ref)",
        ),
        "weekplan_meal_history": (
            (
                "CREATE TABLE weekplan_meal_history (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tslot_kind VARCHAR(192) COLLATE "C" NOT NULL,\n'
                '\tdish_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\tcount INTEGER NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_meal_history PRIMARY KEY (tenant_id, slot_kind, dish_id)\n"
                ")"
            ),
        ),
        "weekplan_rulesets": (
            (
                "CREATE TABLE weekplan_rulesets (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tcontent_hash VARCHAR(80) COLLATE "C" NOT NULL,\n'
                '\tdiet_id VARCHAR(200) COLLATE "C" NOT NULL,\n'
                "\tversion INTEGER NOT NULL,\n"
                "\tdocument TEXT NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_rulesets PRIMARY KEY (tenant_id, content_hash)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_rulesets_by_diet ON weekplan_rulesets (tenant_id, diet_id, version, content_hash)",
        ),
        "weekplan_schedules": (
            (
                "CREATE TABLE weekplan_schedules (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C" NOT NULL,\n'
                '\tweekday VARCHAR(3) COLLATE "C" NOT NULL,\n'
                '\twall_time VARCHAR(5) COLLATE "C" NOT NULL,\n'
                '\ttimezone VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\tweeks_ahead INTEGER NOT NULL,\n"
                '\tsource_kind VARCHAR(16) COLLATE "C" NOT NULL,\n'
                '\ttemplate_id VARCHAR(64) COLLATE "C",\n'
                "\tnext_run_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tlast_week_done DATE,\n"
                "\tlast_run_at TIMESTAMP WITH TIME ZONE,\n"
                '\tlast_outcome VARCHAR(16) COLLATE "C",\n'
                "\tlast_error_code VARCHAR(100),\n"
                "\tlast_error_message TEXT,\n"
                "\tCONSTRAINT pk_weekplan_schedules PRIMARY KEY (tenant_id, client_ref)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_schedules_next_run_at_client_ref ON weekplan_schedules (tenant_id, next_run_at, client_ref)",
            "CREATE INDEX ix_weekplan_schedules_next_run_at_tenant_id_901a8cee ON weekplan_schedules (next_run_at, tenant_id, client_ref)",
        ),
        "weekplan_slot_locks": (
            (
                "CREATE TABLE weekplan_slot_locks (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C" NOT NULL,\n'
                "\tweek_start_date DATE NOT NULL,\n"
                '\tday_key VARCHAR(3) COLLATE "C" NOT NULL,\n'
                '\tslot_key VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\treason VARCHAR(500),\n"
                "\tingredients TEXT NOT NULL,\n"
                '\tactor VARCHAR(64) COLLATE "C",\n'
                "\tlocked_at TIMESTAMP WITH TIME ZONE,\n"
                "\tCONSTRAINT pk_weekplan_slot_locks PRIMARY KEY (tenant_id, client_ref, week_start_date, day_key, slot_key)\n"
                ")"
            ),
        ),
        "weekplan_templates": (
            (
                "CREATE TABLE weekplan_templates (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tid VARCHAR(64) COLLATE "C" NOT NULL,\n'
                "\tname VARCHAR(200) NOT NULL,\n"
                '\tname_key VARCHAR(600) COLLATE "C" NOT NULL,\n'
                "\tdays TEXT NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tupdated_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_templates PRIMARY KEY (tenant_id, id)\n"
                ")"
            ),
            "CREATE INDEX ix_weekplan_templates_by_name ON weekplan_templates (tenant_id, name_key, id)",
        ),
        "weekplan_ruleset_assignments": (
            (
                "CREATE TABLE weekplan_ruleset_assignments (\n"
                '\ttenant_id VARCHAR(64) COLLATE "C" NOT NULL,\n'
                '\tclient_ref VARCHAR(128) COLLATE "C" NOT NULL,\n'
                '\tcontent_hash VARCHAR(80) COLLATE "C" NOT NULL,\n'
                "\tCONSTRAINT pk_weekplan_ruleset_assignments PRIMARY KEY (tenant_id, client_ref),\n"
                "\tCONSTRAINT fk_weekplan_ruleset_assignments_rulesets FOREIGN KEY(tenant_id, content_hash) REFERENCES weekplan_rulesets (tenant_id, content_hash)\n"
                ")"
            ),
        ),
    },
    "mysql": {
        "weekplan_changes": (
            (
                "CREATE TABLE weekplan_changes (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tid VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tsubject VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tsubject_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin,\n"
                "\tweek_start_date DATE,\n"
                "\tchange_type VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tday_key VARCHAR(3) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tslot_key VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\told_entry MEDIUMTEXT COLLATE utf8mb4_nopad_bin,\n"
                "\tnew_entry MEDIUMTEXT COLLATE utf8mb4_nopad_bin,\n"
                "\tactor VARCHAR(64) COLLATE utf8mb4_nopad_bin,\n"
                "\tsource VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\treason VARCHAR(500),\n"
                "\tat DATETIME(6) NOT NULL,\n"
                "\tversion_before INTEGER,\n"
                "\tversion_after INTEGER,\n"
                "\tCONSTRAINT pk_weekplan_changes PRIMARY KEY (tenant_id, id)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
            "CREATE INDEX ix_weekplan_changes_client_ref_week_start_date_at_id ON weekplan_changes (tenant_id, client_ref, week_start_date, at, id)",
            "CREATE INDEX ix_weekplan_changes_at_id ON weekplan_changes (tenant_id, at, id)",
            "CREATE INDEX ix_weekplan_changes_client_ref_at_id ON weekplan_changes (tenant_id, client_ref, at, id)",
            "CREATE INDEX ix_weekplan_changes_subject_id_at_id ON weekplan_changes (tenant_id, subject_id, at, id)",
        ),
        "weekplan_client_locks": (
            (
                "CREATE TABLE weekplan_client_locks (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_client_locks PRIMARY KEY (tenant_id, client_ref)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
        ),
        "weekplan_dishes": (
            (
                "CREATE TABLE weekplan_dishes (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tid VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tname VARCHAR(200) NOT NULL,\n"
                "\tname_key VARCHAR(600) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tmeal_types VARCHAR(100) NOT NULL,\n"
                "\ttags MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tingredients MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tsteps MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME(6),\n"
                "\tupdated_at DATETIME(6),\n"
                "\tCONSTRAINT pk_weekplan_dishes PRIMARY KEY (tenant_id, id)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
            "CREATE INDEX ix_weekplan_dishes_by_name ON weekplan_dishes (tenant_id, name_key, id)",
        ),
        "weekplan_drafts": (
            (
                "CREATE TABLE weekplan_drafts (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\tinstance_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tbase_version INTEGER NOT NULL,\n"
                "\tdays MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME(6) NOT NULL,\n"
                "\tupdated_at DATETIME(6) NOT NULL,\n"
                "\tactor VARCHAR(64) COLLATE utf8mb4_nopad_bin,\n"
                "\tguardrails MEDIUMTEXT COLLATE utf8mb4_nopad_bin,\n"
                "\tCONSTRAINT pk_weekplan_drafts PRIMARY KEY (tenant_id, client_ref, week_start_date)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
        ),
        "weekplan_generation_locks": (
            (
                "CREATE TABLE weekplan_generation_locks (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_generation_locks PRIMARY KEY (tenant_id)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
        ),
        "weekplan_generation_runs": (
            (
                "CREATE TABLE weekplan_generation_runs (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tid VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\trun_type VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tstatus VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tstarted_at DATETIME(6) NOT NULL,\n"
                "\tattempts INTEGER NOT NULL,\n"
                "\tduration_ms INTEGER NOT NULL,\n"
                "\tgenerator VARCHAR(100) NOT NULL,\n"
                "\tgenerator_version VARCHAR(100) NOT NULL,\n"
                "\tdays VARCHAR(40) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\truleset_hash VARCHAR(80) COLLATE utf8mb4_nopad_bin,\n"
                "\tseed INTEGER,\n"
                "\tdraft_version INTEGER,\n"
                "\terror_code VARCHAR(100) COLLATE utf8mb4_nopad_bin,\n"
                "\terror_message TEXT COLLATE utf8mb4_nopad_bin,\n"
                "\tCONSTRAINT pk_weekplan_generation_runs PRIMARY KEY (tenant_id, id)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
            "CREATE INDEX ix_weekplan_generation_runs_started_at_id ON weekplan_generation_runs (tenant_id, started_at, id)",
            "CREATE INDEX ix_weekplan_generation_runs_client_ref_started_at_id ON weekplan_generation_runs (tenant_id, client_ref, started_at, id)",
        ),
        "weekplan_instances": (
            (
                "CREATE TABLE weekplan_instances (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tid VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\ttemplate_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\tdays MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\ttemplate_snapshot MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME(6) NOT NULL,\n"
                "\tupdated_at DATETIME(6) NOT NULL,\n"
                "\tguardrails MEDIUMTEXT COLLATE utf8mb4_nopad_bin,\n"
                "\tCONSTRAINT pk_weekplan_instances PRIMARY KEY (tenant_id, id),\n"
                "\tCONSTRAINT uq_weekplan_instances_client_week UNIQUE (tenant_id, client_ref, week_start_date)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
            "CREATE INDEX ix_weekplan_instances_by_week ON weekplan_instances (tenant_id, week_start_date, client_ref)",
        ),
        "weekplan_meal_history": (
            (
                "CREATE TABLE weekplan_meal_history (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tslot_kind VARCHAR(192) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tdish_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tcount INTEGER NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_meal_history PRIMARY KEY (tenant_id, slot_kind, dish_id)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
        ),
        "weekplan_rulesets": (
            (
                "CREATE TABLE weekplan_rulesets (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tcontent_hash VARCHAR(80) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tdiet_id VARCHAR(200) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tdocument MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_rulesets PRIMARY KEY (tenant_id, content_hash)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
            "CREATE INDEX ix_weekplan_rulesets_by_diet ON weekplan_rulesets (tenant_id, diet_id, version, content_hash)",
        ),
        "weekplan_schedules": (
            (
                "CREATE TABLE weekplan_schedules (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tweekday VARCHAR(3) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\twall_time VARCHAR(5) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\ttimezone VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tweeks_ahead INTEGER NOT NULL,\n"
                "\tsource_kind VARCHAR(16) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\ttemplate_id VARCHAR(64) COLLATE utf8mb4_nopad_bin,\n"
                "\tnext_run_at DATETIME(6) NOT NULL,\n"
                "\tlast_week_done DATE,\n"
                "\tlast_run_at DATETIME(6),\n"
                "\tlast_outcome VARCHAR(16) COLLATE utf8mb4_nopad_bin,\n"
                "\tlast_error_code VARCHAR(100),\n"
                "\tlast_error_message TEXT,\n"
                "\tCONSTRAINT pk_weekplan_schedules PRIMARY KEY (tenant_id, client_ref)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
            "CREATE INDEX ix_weekplan_schedules_next_run_at_client_ref ON weekplan_schedules (tenant_id, next_run_at, client_ref)",
            "CREATE INDEX ix_weekplan_schedules_next_run_at_tenant_id_901a8cee ON weekplan_schedules (next_run_at, tenant_id, client_ref)",
        ),
        "weekplan_slot_locks": (
            (
                "CREATE TABLE weekplan_slot_locks (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tweek_start_date DATE NOT NULL,\n"
                "\tday_key VARCHAR(3) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tslot_key VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\treason VARCHAR(500),\n"
                "\tingredients MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tactor VARCHAR(64) COLLATE utf8mb4_nopad_bin,\n"
                "\tlocked_at DATETIME(6),\n"
                "\tCONSTRAINT pk_weekplan_slot_locks PRIMARY KEY (tenant_id, client_ref, week_start_date, day_key, slot_key)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
        ),
        "weekplan_templates": (
            (
                "CREATE TABLE weekplan_templates (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tid VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tname VARCHAR(200) NOT NULL,\n"
                "\tname_key VARCHAR(600) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tdays MEDIUMTEXT COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tversion INTEGER NOT NULL,\n"
                "\tcreated_at DATETIME(6) NOT NULL,\n"
                "\tupdated_at DATETIME(6) NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_templates PRIMARY KEY (tenant_id, id)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
            "CREATE INDEX ix_weekplan_templates_by_name ON weekplan_templates (tenant_id, name_key, id)",
        ),
        "weekplan_ruleset_assignments": (
            (
                "CREATE TABLE weekplan_ruleset_assignments (\n"
                "\ttenant_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tclient_ref VARCHAR(128) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tcontent_hash VARCHAR(80) COLLATE utf8mb4_nopad_bin NOT NULL,\n"
                "\tCONSTRAINT pk_weekplan_ruleset_assignments PRIMARY KEY (tenant_id, client_ref),\n"
                "\tCONSTRAINT fk_weekplan_ruleset_assignments_rulesets FOREIGN KEY(tenant_id, content_hash) REFERENCES weekplan_rulesets (tenant_id, content_hash)\n"
                ")ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_nopad_bin"
            ),
        ),
    },
}
