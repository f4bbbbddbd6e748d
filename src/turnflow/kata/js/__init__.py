"""Kata's JavaScript expressions: conditions, mappings and ``$(...)`` / ``$[...]`` templates,
parsed once by a hand-written parser and compiled into Python closures (never ``eval``).

```python
from turnflow.kata.js import compile_expression, compile_template

expr = compile_expression("intent == 'yes' && !context.done")
expr.evaluate({"intent": "yes", "context": {}})          # True
expr.names                                               # frozenset({'intent', 'context'})
compile_template("hi $(data.name)!").render({"data": {"name": "Ann"}})   # 'hi Ann!'
```

Values: JS objects are dicts, arrays lists, numbers int/float, ``null`` is None and
``undefined`` is :data:`UNDEFINED`. See ``template`` for the decisions on ``$(...)`` and
``$[...]``, ``parser`` for the two doc slips read as meant (``=`` and ``++``).
"""

from turnflow.kata.js.errors import JsRuntimeError, JsSyntaxError
from turnflow.kata.js.expression import JsExpression, compile_expression
from turnflow.kata.js.functions import JsFunction
from turnflow.kata.js.host import JsHost
from turnflow.kata.js.jsjson import parse as json_parse
from turnflow.kata.js.jsjson import stringify as json_stringify
from turnflow.kata.js.jsjson import to_json_value
from turnflow.kata.js.template import (
    CompiledValue,
    JsTemplate,
    compile_template,
    compile_value,
    text_of,
)
from turnflow.kata.js.values import (
    UNDEFINED,
    js_typeof,
    loose_equals,
    strict_equals,
    to_js_string,
    to_number,
    truthy,
)

__all__ = [
    "UNDEFINED", "CompiledValue", "JsExpression", "JsFunction", "JsHost", "JsRuntimeError",
    "JsSyntaxError", "JsTemplate", "compile_expression", "compile_template", "compile_value",
    "js_typeof", "json_parse", "json_stringify", "loose_equals", "strict_equals", "text_of",
    "to_js_string", "to_json_value", "to_number", "truthy",
]  # fmt: skip
