"""Build tools for the annotated edition of the 创先争优 campaign texts.

Stages (one module each): load -> segment -> enrich -> convert -> render; `site`
wires them to MkDocs. Run `python -m build_tools --help`.
"""
