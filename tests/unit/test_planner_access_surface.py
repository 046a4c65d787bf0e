"""Which planner methods write: a property of the classes, the same for every store.

These run once here rather than once per store in the conformance suite.
"""

from weekplan import ClientPlanner, WorkerPlanner
from weekplan.planner._access import is_writing
from weekplan.testing._access import public_methods, writing_method_names


def test_the_worker_has_writing_methods_to_guard() -> None:
    assert {
        "create_template",
        "update_template",
        "delete_template",
        "create_instance",
        "update_instance",
        "set_slot",
        "reset_slot",
        "delete_instance",
    } <= set(writing_method_names(WorkerPlanner))


def test_the_client_planner_has_no_method_that_writes() -> None:
    methods = public_methods(ClientPlanner)
    assert {"weekly_plan", "list_weeks"} <= set(methods)
    assert writing_method_names(ClientPlanner) == []
    assert not [name for name, method in methods.items() if is_writing(method)]
    writers = ("create", "update", "delete", "set", "reset", "upsert", "bulk", "assign")
    assert not [name for name in methods if name.startswith(writers)]
