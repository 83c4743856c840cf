"""Widgets of the interface: the paper table, detail pane, facet sidebar and header."""
