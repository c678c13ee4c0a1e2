"""AXML translated into a Vue template (the render library the page runs, see
docs/miniprogram.md): directives, bindings, events, components, templates, include.

What the Vue template sees (the names the runtime gives every render function):
``d`` the data (a page's, a component's props and data, or a template's ``data``),
``s`` the file's SJS modules, ``on(event, type, handler, isCatch)`` the event dispatcher,
``fn(handler)`` a handler as a function prop, ``str(x)`` a binding as text, ``sty(x)``
a style with rpx, ``tpl(file, name)`` a template by name. Loop variables are renamed
``L<n>_<name>``, so no name of the project can shadow those.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import axml
from .acss import rpx_in_style
from .errors import CompileError
from .expressions import Scope, compile_expression, compile_object_body, js_string
from .paths import resolve_path

# Components drawn by a Vue component of the runtime (static/miniprogram/runtime/components.js).
VUE_COMPONENTS = {
    "button",
    "input",
    "textarea",
    "form",
    "label",
    "checkbox",
    "checkbox-group",
    "radio",
    "radio-group",
    "switch",
    "picker",
    "scroll-view",
    "swiper",
    "navigator",
    "icon",
    "image",
    "web-view",
    "progress",
    "slider",
}
# Platform event names on plain elements -> the DOM event that carries them.
DOM_EVENTS = {
    "tap": "click",
    "longTap": "mp-longtap",
    "touchStart": "pointerdown",
    "touchMove": "pointermove",
    "touchEnd": "pointerup",
    "touchCancel": "pointercancel",
    "transitionEnd": "transitionend",
    "animationStart": "animationstart",
    "animationIteration": "animationiteration",
    "animationEnd": "animationend",
}
_EVENT_ATTR = re.compile(r"^(on|catch)([A-Z]\w*)$")
_MUSTACHE = re.compile(r"\{\{(.*?)\}\}", re.S)
_CONTROL = {"a:if", "a:elif", "a:else", "a:for", "a:for-item", "a:for-index", "a:key", "a:for-items"}
_SJS_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class SjsImport:
    name: str  # the name in the AXML
    module: str  # the project path of the .sjs file
    export: str | None  # None: the default export; else the named export


@dataclass
class FileOutput:
    """What one AXML file (a page's or a component's) compiles to."""

    template: str
    sjs: list[SjsImport]
    templates: dict[str, str]  # Vue component name -> its Vue template
    template_scopes: dict[str, dict[str, str]]  # file id -> {template name: Vue component name}
    uses: set[str] = field(default_factory=set)  # tags of custom components used


# Entities (&amp;, &lt; ...) in AXML text and attributes read as in HTML; only what would
# end the Vue template's text or attribute is escaped.
def escape_text(text: str) -> str:
    return text.replace("<", "&lt;")


def escape_attr(text: str) -> str:
    return text.replace('"', "&quot;")


def component_tag(tag: str) -> str:
    """The Vue name of a custom component used as ``tag``."""
    return "mpc-" + tag


def template_component(file: str, name: str) -> str:
    return "mpt-" + re.sub(r"[^A-Za-z0-9]+", "-", file).strip("-") + "--" + name


def camel_event(name: str) -> str:
    return name[0].lower() + name[1:]


class Translator:
    """Translates the AXML files of one page or component. ``read(path)`` gives a
    project file's text (or raises CompileError); ``components`` the custom components'
    tags this page or component may use."""

    def __init__(self, read: Callable[[str, str, int], str], components: set[str]) -> None:
        self.read = read
        self.components = components
        self.templates: dict[str, str] = {}
        self.template_scopes: dict[str, dict[str, str]] = {}
        self.sjs: dict[str, SjsImport] = {}
        self.uses: set[str] = set()
        self.loop_depth = 0
        self._including: list[str] = []
        self.main_file = ""

    # ---- files ---------------------------------------------------------------------------
    def translate(self, file: str) -> FileOutput:
        source = self.read(file, file, 0)
        nodes = axml.parse(file, source)
        scope = self._prepare(file, source, nodes)
        body = self.nodes(nodes, scope, file, source)
        return FileOutput(body, list(self.sjs.values()), self.templates, self.template_scopes, self.uses)

    def _prepare(self, file: str, source: str, nodes: list[axml.Node]) -> Scope:
        """The file's SJS modules, its templates and those it imports (not transitively)."""
        self.main_file = file
        visible: dict[str, str] = {}
        self._collect_sjs(file, source, nodes)
        scope = Scope(sjs=frozenset(self.sjs))
        for el in _walk(nodes):
            if el.tag == "import":
                src = self._src(el, file, source)
                if src not in self.template_scopes:
                    imported = self.read(src, file, el.pos)
                    self._own_templates(src, imported, axml.parse(src, imported), {})
                visible.update(_defined(self.template_scopes[src], src))
        self._own_templates(file, source, nodes, visible)
        return scope

    def _own_templates(self, file: str, source: str, nodes: list[axml.Node], visible: dict[str, str]) -> None:
        """Registers the templates ``file`` defines; ``visible`` are those it imports."""
        defs = [n for n in nodes if isinstance(n, axml.Element) and n.tag == "template" and n.attr("name") is not None]
        own = {(el.attr("name").value or ""): template_component(file, el.attr("name").value or "") for el in defs}  # type: ignore[union-attr]
        self.template_scopes[file] = {**visible, **own}
        saved = self.loop_depth
        for el in defs:
            self.loop_depth = 0
            name = el.attr("name").value or ""  # type: ignore[union-attr]
            self.templates[own[name]] = self.nodes(el.children, Scope(sjs=frozenset(self.sjs)), file, source)
        self.loop_depth = saved

    def _collect_sjs(self, file: str, source: str, nodes: list[axml.Node]) -> None:
        for el in _walk(nodes):
            if el.tag != "import-sjs":
                continue
            name_attr, from_attr = el.attr("name"), el.attr("from")
            if name_attr is None or not name_attr.value or from_attr is None or not from_attr.value:
                raise CompileError.at(file, source, el.pos, '<import-sjs> needs name="..." and from="..."')
            module = resolve_path(file, from_attr.value)
            if not module.endswith(".sjs"):
                raise CompileError.at(file, source, from_attr.value_pos, "from= must name a .sjs file")
            self.read(module, file, from_attr.value_pos)
            value = name_attr.value.strip()
            if value.startswith("{"):
                if not value.endswith("}"):
                    raise CompileError.at(file, source, name_attr.value_pos, "expected '}' in name=")
                for part in value[1:-1].split(","):
                    if not part.strip():
                        continue
                    export, _, local = (p.strip() for p in part.partition(":"))
                    local = local or export
                    if not (_SJS_NAME.match(export) and _SJS_NAME.match(local)):
                        raise CompileError.at(file, source, name_attr.value_pos, f"bad name {part.strip()!r} in name=")
                    if local in self.sjs:
                        raise CompileError.at(file, source, name_attr.value_pos, f"{local} is imported twice")
                    self.sjs[local] = SjsImport(local, module, export)
            elif _SJS_NAME.match(value):
                self.sjs[value] = SjsImport(value, module, None)  # a later one overrides (the docs)
            else:
                raise CompileError.at(file, source, name_attr.value_pos, f"{value!r} is not a valid name")

    def _src(self, el: axml.Element, file: str, source: str) -> str:
        attr = el.attr("src")
        if attr is None or not attr.value:
            raise CompileError.at(file, source, el.pos, f'<{el.tag}> needs src="..."')
        if "{{" in attr.value:
            raise CompileError.at(file, source, attr.value_pos, f"<{el.tag}> src= must be a path, not a binding")
        path = resolve_path(file, attr.value)
        if not path.endswith(".axml"):
            path += ".axml"
        return path

    # ---- nodes ---------------------------------------------------------------------------
    def nodes(self, nodes: list[axml.Node], scope: Scope, file: str, source: str) -> str:
        return "".join(self.node(n, scope, file, source) for n in nodes)

    def node(self, node: axml.Node, scope: Scope, file: str, source: str) -> str:
        if isinstance(node, axml.Text):
            return self.text(node, scope, file, source)
        tag = node.tag
        if tag in ("import", "import-sjs"):
            return ""
        if tag == "template" and node.attr("name") is not None:
            return ""
        if tag == "include":
            return self.include(node, scope, file, source)
        return self.element(node, scope, file, source)

    def text(self, node: axml.Text, scope: Scope, file: str, source: str) -> str:
        out: list[str] = []
        last = 0
        for m in _MUSTACHE.finditer(node.text):
            out.append(escape_text(node.text[last : m.start()]))
            js = compile_expression(m.group(1), scope, (file, source, node.pos + m.start(1)))
            out.append("{{ " + js + " }}")
            last = m.end()
        out.append(escape_text(node.text[last:]))
        return "".join(out)

    def include(self, el: axml.Element, scope: Scope, file: str, source: str) -> str:
        path = self._src(el, file, source)
        if path in self._including:
            raise CompileError.at(file, source, el.pos, f"{path} includes itself")
        text = self.read(path, file, el.pos)
        nodes = axml.parse(path, text)
        self._collect_sjs(path, text, nodes)
        scope = Scope(scope.locals, frozenset(self.sjs))
        self._including.append(path)
        try:
            body = [n for n in nodes if not (isinstance(n, axml.Element) and n.tag == "template")]
            return self.nodes(body, scope, path, text)
        finally:
            self._including.pop()

    def value(self, attr: axml.Attr, scope: Scope, file: str, source: str) -> tuple[bool, str]:
        """(is a binding, Vue attribute value): the text itself, or JavaScript."""
        text = attr.value
        if text is None:
            return True, "true"
        matches = list(_MUSTACHE.finditer(text))
        if not matches:
            return False, text
        where = lambda m: (file, source, attr.value_pos + m.start(1))  # noqa: E731
        if len(matches) == 1 and matches[0].start() == 0 and matches[0].end() == len(text):
            return True, compile_expression(matches[0].group(1), scope, where(matches[0]))
        parts: list[str] = []
        last = 0
        for m in matches:
            if m.start() > last:
                parts.append(js_string(text[last : m.start()]))
            parts.append("str(" + compile_expression(m.group(1), scope, where(m)) + ")")
            last = m.end()
        if last < len(text):
            parts.append(js_string(text[last:]))
        return True, "(" + " + ".join(parts) + ")"

    def element(self, el: axml.Element, scope: Scope, file: str, source: str) -> str:
        for attr in el.attrs:
            if attr.name.startswith("a:") and attr.name not in _CONTROL:
                raise CompileError.at(file, source, attr.pos, f"unknown directive {attr.name}")
        # a:for first: the item and index are in scope for everything else on the element.
        for_attr = el.attr("a:for") or el.attr("a:for-items")
        loop = ""
        key = ""
        inner_scope = scope
        if for_attr is not None:
            is_binding, items = self.value(for_attr, scope, file, source)
            if not is_binding or for_attr.value is None:
                raise CompileError.at(file, source, for_attr.value_pos, 'a:for needs a binding: a:for="{{list}}"')
            self.loop_depth += 1
            item_name = _plain(el.attr("a:for-item"), "item", file, source)
            index_name = _plain(el.attr("a:for-index"), "index", file, source)
            item_js, index_js = f"L{self.loop_depth}_{item_name}", f"L{self.loop_depth}_{index_name}"
            inner_scope = scope.child({item_name: item_js, index_name: index_js})
            loop = f'v-for="({item_js}, {index_js}) in {items}"'
            key_attr = el.attr("a:key")
            if key_attr is not None and key_attr.value:
                k = key_attr.value.strip()
                if k == "*this":
                    key = f':key="{item_js}"'
                elif "{{" in k:
                    key = f':key="{self.value(key_attr, inner_scope, file, source)[1]}"'
                else:
                    key = f':key="{item_js}?.[{js_string(k)}]"'
        try:
            cond = self.condition(el, inner_scope, file, source)
            if el.tag == "block" and not loop and not cond:
                return self.nodes(el.children, inner_scope, file, source)  # renders nothing of its own
            inner = self.tag(el, inner_scope, file, source)
        finally:
            if for_attr is not None:
                self.loop_depth -= 1
        if loop and cond:
            # a:for before a:if (the if is asked for each item), unlike Vue's v-if before v-for
            return f"<template {loop} {key}>{_with_attr(inner, cond)}</template>"
        if loop:
            return _with_attr(inner, f"{loop} {key}".strip())
        if cond:
            return _with_attr(inner, cond)
        return inner

    def condition(self, el: axml.Element, scope: Scope, file: str, source: str) -> str:
        for name, vue in (("a:if", "v-if"), ("a:elif", "v-else-if")):
            attr = el.attr(name)
            if attr is not None:
                is_binding, js = self.value(attr, scope, file, source)
                if attr.value is None:
                    raise CompileError.at(file, source, attr.pos, f'{name} needs a condition: {name}="{{{{x}}}}"')
                # a bare string is a non-empty string, so true (the docs' checked="false")
                test = js if is_binding else ("true" if js else "false")
                return f'{vue}="{test}"'
        if el.attr("a:else") is not None:
            return "v-else"
        return ""

    def tag(self, el: axml.Element, scope: Scope, file: str, source: str) -> str:
        tag = el.tag
        if tag == "block":
            inner = self.nodes(el.children, scope, file, source)
            return f"<template>{inner}</template>"
        if tag == "template":
            return self.template_call(el, scope, file, source)
        if tag == "slot":
            name = el.attr("name")
            named = f' name="{escape_attr(name.value)}"' if name is not None and name.value else ""
            return f"<slot{named}>{self.nodes(el.children, scope, file, source)}</slot>"
        custom = tag in self.components
        if custom:
            self.uses.add(tag)
            vue_tag = component_tag(tag)
        elif tag in VUE_COMPONENTS:
            vue_tag = "mp-" + tag
        else:
            vue_tag = tag
        attrs = self.attributes(el, scope, file, source, custom=custom, plain=vue_tag == tag)
        children = (
            self.slot_children(el, scope, file, source) if custom else self.nodes(el.children, scope, file, source)
        )
        return f"<{vue_tag}{attrs}>{children}</{vue_tag}>"

    def slot_children(self, el: axml.Element, scope: Scope, file: str, source: str) -> str:
        out: list[str] = []
        for child in el.children:
            slot = child.attr("slot") if isinstance(child, axml.Element) else None
            text = self.node(child, scope, file, source)
            if slot is not None and slot.value:
                out.append(f"<template #{escape_attr(slot.value)}>{text}</template>")
            else:
                out.append(text)
        return "".join(out)

    def template_call(self, el: axml.Element, scope: Scope, file: str, source: str) -> str:
        is_attr = el.attr("is")
        if is_attr is None or not is_attr.value:
            raise CompileError.at(file, source, el.pos, '<template> needs name="..." (to define) or is="..." (to use)')
        data_attr = el.attr("data")
        data = "({})"
        if data_attr is not None and data_attr.value:
            m = _MUSTACHE.fullmatch(data_attr.value.strip())
            if not m:
                raise CompileError.at(file, source, data_attr.value_pos, 'data= must be a binding: data="{{...item}}"')
            offset = data_attr.value_pos + data_attr.value.index("{{") + 2
            data = compile_object_body(m.group(1), scope, (file, source, offset))
        is_binding, name = self.value(is_attr, scope, file, source)
        owner = self.main_file if self._including else file
        if not is_binding:
            target = self.template_scopes.get(owner, {}).get(name)
            if target is None:
                return f"<!-- template {escape_attr(name)} not found -->"
            return f'<component is="{target}" :data="{data}"></component>'
        return f'<component :is="tpl({js_string(owner)}, {name})" :data="{data}"></component>'

    def attributes(self, el: axml.Element, scope: Scope, file: str, source: str, *, custom: bool, plain: bool) -> str:
        out: list[str] = []
        dataset: list[str] = []
        for attr in el.attrs:
            name = attr.name
            if name in _CONTROL:
                continue
            if name == "slot":
                continue
            event = _EVENT_ATTR.match(name)
            if event:
                out.append(
                    self.event(attr, event.group(1), camel_event(event.group(2)), scope, file, source, custom, plain)
                )
                continue
            is_binding, js = self.value(attr, scope, file, source)
            if name == "style":
                out.append(f':style="sty({js})"' if is_binding else f'style="{escape_attr(rpx_in_style(js))}"')
                continue
            if name.startswith("data-") and not custom:
                if is_binding:
                    dataset.append(f"{js_string(_dataset_key(name))}: {js}")
                    out.append(f':{name}="{js}"')
                else:
                    out.append(f'{name}="{escape_attr(js)}"')
                continue
            if name == "key":
                out.append(f':key="{js if is_binding else js_string(js)}"')
                continue
            if name == "hidden":
                out.append(f':hidden="!!({js})"' if is_binding else ("hidden" if js else ""))
                continue
            if is_binding:
                out.append(f':{name}="{js}"')
            else:
                out.append(f'{name}="{escape_attr(js)}"')
        if dataset:
            out.append(f'v-ds="{{ {", ".join(dataset)} }}"')
        return "".join(" " + a for a in out if a)

    def event(
        self,
        attr: axml.Attr,
        kind: str,
        event: str,
        scope: Scope,
        file: str,
        source: str,
        custom: bool,
        plain: bool,
    ) -> str:
        if attr.value is None or not attr.value.strip():
            raise CompileError.at(file, source, attr.pos, f"{attr.name} needs the name of a handler")
        is_binding, js = self.value(attr, scope, file, source)
        handler = js if is_binding else js_string(js.strip())
        if custom:
            # a function prop: the component calls this.props.onXxx(...)
            return f':{attr.name}="fn({handler})"'
        dom = DOM_EVENTS.get(event, "mp-" + event.lower())
        catch = 1 if kind == "catch" else 0
        return f'@{dom}="on($event, {js_string(event)}, {handler}, {catch})"'


def _with_attr(tag_text: str, extra: str) -> str:
    """``<x ...>`` with ``extra`` added to its opening tag."""
    m = re.match(r"<[^\s>]+", tag_text)
    assert m is not None
    return tag_text[: m.end()] + " " + extra + tag_text[m.end() :]


def _plain(attr: axml.Attr | None, default: str, file: str, source: str) -> str:
    if attr is None or not attr.value:
        return default
    name = attr.value.strip()
    if not _SJS_NAME.match(name):
        raise CompileError.at(file, source, attr.value_pos, f"{attr.name} must be a plain name, not {name!r}")
    return name


def _dataset_key(attr_name: str) -> str:
    """``data-goods-id`` -> ``goodsId`` (as the DOM's dataset and the platform name it)."""
    return re.sub(r"-([a-z])", lambda m: m.group(1).upper(), attr_name[5:].lower())


def _defined(scope: dict[str, str], file: str) -> dict[str, str]:
    """The templates ``file`` itself defines (an import is not transitive)."""
    prefix = template_component(file, "")
    return {name: vue for name, vue in scope.items() if vue.startswith(prefix)}


def _walk(nodes: list[axml.Node]):
    for n in nodes:
        if isinstance(n, axml.Element):
            yield n
            yield from _walk(n.children)
