"""``save_weights`` and ``load_weights``: the ``state_dict`` round trip, loaded with ``weights_only=True``.

The probes save and load in the sandbox's working directory: ``save_weights``'s
file is read back with ``torch.load(weights_only=True)``; ``load_weights`` gets
a file of the drawn weights (into a zeroed model in training mode), then a file
that also holds a pickled call, which only a load without ``weights_only`` runs.
"""

from __future__ import annotations

from hypothesis import strategies as st

from grader.checks import Case, Failure, Mistake, Property, mistake_lines, outcome_value
from grader.sandbox import probes
from grader.topics.training.results import state_difference
from grader.topics.training.scenarios import describe_model, model_specs, random_state


@st.composite
def weights_cases(draw):
    spec = draw(model_specs(dtypes=("float32",)))
    return Case(
        (), {"spec": spec, "state": random_state(spec, draw(st.integers(0, 2**31 - 1))), "as_path": draw(st.booleans())}
    )


def _path_words(case: Case) -> str:
    kind = "a pathlib.Path" if case.kwargs["as_path"] else "a str"
    return f"\n    Input: model = {describe_model(case.kwargs['spec'])}, path = {kind} in the working directory"


# ------------------------------------------------------------------ save_weights


def _unreadable_hint(message: str) -> Mistake:
    """The mistake behind the probe's finding that the saved file cannot be read with weights_only=True."""
    if "the whole model" in message:
        return Mistake(
            "training.saved_whole_model",
            "torch.save(model, path) pickles the whole model object (its "
            "class and code), which weights_only=True refuses to load; save model.state_dict() instead",
        )
    if "a method" in message:
        return Mistake(
            "training.saved_state_dict_method", "model.state_dict is a method: save model.state_dict(), its result"
        )
    return Mistake("training.saved_not_a_state_dict", "save model.state_dict(), a plain dict of tensors")


def verify_save(ctx, case: Case):
    """save_weights writes model.state_dict() to the path, readable with weights_only=True, model untouched."""
    kw = case.kwargs
    words = _path_words(case)
    outcome = ctx.probe(
        "save_weights", probes.save_weights_probe, spec=kw["spec"], state=kw["state"], as_path=kw["as_path"]
    )
    if outcome.status == "raised" and (outcome.error or {}).get("type") == "ProbeFinding":
        message = outcome.error["message"]
        named = () if "wrote no file" in message else (_unreadable_hint(message),)
        hint = mistake_lines(named)
        raise Failure(f"save_weights: {message}{hint}{words}", mistakes=named)
    got = outcome_value(outcome, "save_weights")
    expected = list(kw["state"])
    if sorted(got["keys"]) != sorted(expected):
        named = (
            (
                Mistake(
                    "training.state_dict_wrapped",
                    f"the state_dict is wrapped in another dict (under "
                    f"{got['keys'][0]!r}, as in a checkpoint); save model.state_dict() itself, which is what "
                    "load_weights reads",
                ),
            )
            if len(got["keys"]) == 1
            else ()
        )
        hint = mistake_lines(named)
        raise Failure(
            f"the saved state_dict has the keys {got['keys']}; expected those of model.state_dict(): "
            f"{expected}{hint}{words}",
            mistakes=named,
        )
    problem = state_difference(dict(zip(got["keys"], got["values"])), kw["state"])
    if problem:
        raise Failure(f"the saved tensors are not the model's: {problem}{words}")
    problem = state_difference(got["state"], kw["state"])
    if problem:
        raise Failure(f"save_weights changed the model: {problem}{words}")


SAVE = Property(
    "save_weights_state_dict",
    "save_weights saves the model's state_dict, readable with weights_only=True",
    "save_weights",
    weight=0.5,
    strategy=weights_cases(),
    verify=verify_save,
    examples=5,
    array_valued=False,
)


# ------------------------------------------------------------------ load_weights

LOAD_PARTS = ("weights loaded", "returns the model", "eval mode", "weights_only")


def verify_load(ctx, case: Case):
    """load_weights loads the saved state_dict (weights_only=True) and returns the model in eval mode."""
    kw = case.kwargs
    words = _path_words(case).replace("path = ", "path = a file saved with torch.save(state_dict) given as ")
    got = outcome_value(
        ctx.probe("load_weights", probes.load_weights_probe, spec=kw["spec"], state=kw["state"], as_path=kw["as_path"]),
        "load_weights",
    )
    problem = state_difference(got["state"], kw["state"])
    named = (NOT_LOADED,) if got["returned"] in ("dict", "OrderedDict") else ()
    ctx.require(
        "weights loaded",
        not problem,
        f"after load_weights the model does not hold the saved weights: {problem}" + mistake_lines(named) + words,
        mistakes=named,
    )
    returned = {
        "NoneType": ("None", "`return model` is missing at the end"),
        "_IncompatibleKeys": (
            "what load_state_dict returns (the missing and unexpected keys)",
            "it returns model.load_state_dict(...)'s result; return the model itself",
        ),
        "dict": ("a dict", "it returns the loaded state_dict; return the model it was loaded into"),
        "OrderedDict": ("an OrderedDict", "it returns the loaded state_dict; return the model it was loaded into"),
    }
    shown, cause = returned.get(got["returned"], (f"a {got['returned']}", ""))
    named = (Mistake("training.load_weights_returns_" + got["returned"].strip("_").lower(), cause),) if cause else ()
    ctx.require(
        "returns the model",
        got["returned_model"],
        f"load_weights returned {shown}; it must return the model it loaded the weights into"
        + mistake_lines(named)
        + words,
        mistakes=named,
    )
    ctx.require(
        "eval mode",
        not any(got["modes"]),
        f"load_weights left the model in training mode\n    {NO_EVAL_AFTER_LOAD}{words}",
        mistakes=(NO_EVAL_AFTER_LOAD,),
    )
    unsafe = got["unsafe"]
    ctx.require(
        "weights_only",
        not unsafe["ran_code"],
        "load_weights ran code stored in the file: given a file that holds a pickled function call next to "
        f"the weights, it called that function\n    {UNSAFE_LOAD}{words}",
        mistakes=(UNSAFE_LOAD,),
    )


NOT_LOADED = Mistake(
    "training.state_dict_not_loaded",
    "torch.load(path) returns the state_dict; copy it into the model with model.load_state_dict(...)",
)
NO_EVAL_AFTER_LOAD = Mistake(
    "training.no_eval_after_load",
    "model.eval() is not called: load_weights returns the model in eval mode, ready for inference",
)
UNSAFE_LOAD = Mistake(
    "training.unsafe_load",
    "torch.load(path, weights_only=False) unpickles anything, code "
    "included; load with weights_only=True, which accepts only tensors and plain containers",
)


LOAD = Property(
    "load_weights_round_trip",
    "load_weights loads a saved state_dict with weights_only=True and returns the model in eval mode",
    "load_weights",
    weight=0.5,
    strategy=weights_cases(),
    verify=verify_load,
    examples=5,
    array_valued=False,
    parts=LOAD_PARTS,
    core_part="weights loaded",
    part_weights={"weights loaded": 2.0},
)

CHECKS = [SAVE, LOAD]
