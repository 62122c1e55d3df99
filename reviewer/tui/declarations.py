"""Every command of the TUI, declared once (plain data: no Textual import, so that
`reviewer config show` can list them without loading the UI).

The key bindings, the footer labels, the command palette entries and the help screen are
all generated from these declarations, so they cannot drift apart. Each binding has a
stable id: users remap it in the config file (``[keys] star = "S"``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Command:
    id: str          # binding id, remappable from the config file
    keys: str        # default keys, comma separated
    action: str      # Textual action on the screen
    label: str       # footer label (short)
    help: str        # one sentence for the help screen and the palette
    group: str       # heading on the help screen
    footer: bool = True
    palette: bool = True


MAIN: tuple[Command, ...] = (
    # Moving
    Command("cursor_down", "j,down", "cursor(1)", "Down", "Move to the next paper.", "Move",
            footer=False, palette=False),
    Command("cursor_up", "k,up", "cursor(-1)", "Up", "Move to the previous paper.", "Move",
            footer=False, palette=False),
    Command("first", "g,home", "first", "First", "Jump to the first paper.", "Move",
            footer=False),
    Command("last", "G,end", "last", "Last", "Jump to the last paper.", "Move", footer=False),
    Command("page_down", "pagedown", "page(1)", "Page down", "Move one screen down.", "Move",
            footer=False),
    Command("page_up", "pageup", "page(-1)", "Page up", "Move one screen up.", "Move",
            footer=False),
    Command("detail", "enter", "focus_detail", "Details",
            "Focus the detail pane to scroll the abstract and note (escape comes back).",
            "Move", footer=False),
    # Triage
    Command("star", "s", "star", "Star", "Star or unstar the paper (or the marked papers).",
            "Triage"),
    Command("include", "i", "decide('include')", "Include",
            "Include the paper; then move to the next undecided one.", "Triage"),
    Command("maybe", "m", "decide('maybe')", "Maybe",
            "Mark the paper as maybe; then move to the next undecided one.", "Triage"),
    Command("exclude", "x", "decide('exclude')", "Exclude",
            "Exclude the paper, saying why if you like (completion from the reasons used "
            "so far; enter alone skips); then move to the next undecided one.", "Triage"),
    Command("undecide", "0", "decide('undecided')", "Undecide",
            "Take back the decision on the paper.", "Triage", footer=False),
    Command("mark", "space", "mark", "Mark",
            "Mark or unmark the paper: star, decisions, tags and sections then apply to "
            "every marked paper.", "Triage", footer=False),
    Command("unmark_all", "escape", "clear", "Clear",
            "Clear the search, then the marks, then the filters.", "Triage", footer=False),
    Command("tag", "t", "tag", "Tag", "Add tags (with completion from existing tags).",
            "Triage"),
    Command("untag", "T", "untag", "Untag", "Remove tags.", "Triage", footer=False),
    Command("note", "n", "note", "Note", "Edit the paper's note (Markdown) in the app.",
            "Triage", footer=False),
    Command("note_external", "N", "note_external", "Note in $EDITOR",
            "Edit the paper's note in your $EDITOR.", "Triage", footer=False),
    Command("edit", "d", "edit_metadata", "Edit details",
            "Correct the paper's title, authors, year, venue, type, ids and other fields "
            "in a form; what you set stays yours (u undoes).", "Triage", footer=False),
    Command("edit_bibtex", "D", "edit_bibtex", "Edit as BibTeX",
            "Correct the paper's metadata as a BibTeX entry in your $EDITOR, checked on "
            "save (u undoes).", "Triage", footer=False),
    Command("merge", "M", "merge", "Merge",
            "Merge the marked papers into this one: duplicates the import could not tell "
            "(it keeps their sources, tags, sections, notes; u undoes).", "Triage",
            footer=False),
    # Finding
    Command("search", "slash", "search", "Search",
            "Fuzzy search in titles, abstracts, tags and notes, live as you type.", "Find"),
    Command("filter", "f", "filter", "Filter",
            "Filter by star, decision, tag, section, note, code link, years or exclusion "
            "reason.", "Find"),
    Command("sort", "o", "sort", "Sort",
            "Sort by import order, title, year, upvotes, relevance to the search, or "
            "relevance learned from your decisions.", "Find", footer=False),
    Command("like", "L", "like", "More like this",
            "List the papers most like this one (words of title, abstract, tags, "
            "keywords); escape goes back.", "Find", footer=False),
    # Survey
    Command("assign", "a", "assign", "Section",
            "Put the paper (or the marked papers) in a section; the likeliest one is filled "
            "in.", "Survey", footer=False),
    Command("unassign", "A", "unassign", "Unsection", "Take the paper out of a section.",
            "Survey", footer=False),
    Command("outline", "S", "outline", "Outline",
            "The survey's sections and their papers, to order and edit.", "Survey",
            footer=False),
    Command("export", "e", "export", "Export",
            "Export BibTeX and the Markdown survey skeleton, with a preview.", "Survey",
            footer=False),
    # Other
    Command("import", "I", "import_files", "Import",
            "Import dumps (Hugging Face or arXiv pages, BibTeX, lists) into this review.",
            "Other", footer=False),
    Command("enrich", "E", "enrich", "Enrich",
            "Fill names, arXiv ids, years and venues of the marked papers (or all) from "
            "Hugging Face, arXiv, Semantic Scholar and Crossref; asks first; E again "
            "cancels.", "Other", footer=False),
    Command("uncertain", "U", "uncertain", "Near misses",
            "Review the near misses of enrich: accept or reject them.", "Other",
            footer=False),
    Command("undo", "u", "undo", "Undo", "Undo the last change (also from earlier sessions).",
            "Other"),
    Command("redo", "ctrl+r", "redo", "Redo", "Redo what undo undid.", "Other", footer=False),
    Command("open_link", "l", "open_link", "Open",
            "Open the paper's best link (arXiv, DOI, web page, code) in the browser.",
            "Other", footer=False),
    Command("copy_key", "y", "copy_key", "Copy key",
            "Copy the paper's citation key (it will never change after that).", "Other",
            footer=False),
    Command("help", "question_mark", "help", "Help", "Show every key.", "Other"),
    Command("quit", "q", "app.quit", "Quit",
            "Quit. There is nothing to save: every change is already stored.", "Other"),
)


OUTLINE: tuple[Command, ...] = (
    Command("outline_down", "j,down", "cursor(1)", "Down", "Next line.", "Move",
            footer=False, palette=False),
    Command("outline_up", "k,up", "cursor(-1)", "Up", "Previous line.", "Move",
            footer=False, palette=False),
    Command("outline_move_up", "K,shift+up", "move(-1)", "Move up",
            "Move the section, or the paper within its section, up.", "Order"),
    Command("outline_move_down", "J,shift+down", "move(1)", "Move down",
            "Move the section, or the paper within its section, down.", "Order"),
    Command("outline_new", "c", "new_section", "New", "Create a section after this one.",
            "Edit"),
    Command("outline_rename", "r", "rename", "Rename", "Rename the section.", "Edit"),
    Command("outline_describe", "d", "describe", "Describe",
            "Edit the section's description.", "Edit"),
    Command("outline_delete", "delete,D", "delete", "Delete",
            "Delete the section (its papers stay in the review), or take the paper out "
            "of the section.", "Edit"),
    Command("outline_undo", "u", "undo", "Undo", "Undo the last change.", "Edit",
            footer=False),
    Command("outline_close", "escape,S,q", "close", "Back", "Back to the paper list.",
            "Other"),
    Command("outline_help", "question_mark", "help", "Help", "Show every key.", "Other",
            footer=False),
)


def _keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def keymap_conflicts(remaps: dict[str, str]) -> list[str]:
    """A line per key a remapped binding takes from another binding of its screen: the
    remap wins (Textual drops the other binding of that key), so the user must hear
    which binding lost it (the README's own ``star = "S"`` took the outline's key)."""
    lines = []
    for commands in (MAIN, OUTLINE):
        ids = {c.id for c in commands}
        remapped = {i: _keys(k) for i, k in remaps.items() if i in ids}
        claimed: dict[str, str] = {}
        for binding_id, keys in remapped.items():
            for key in keys:
                if key in claimed:
                    lines.append(f"key {key!r} is given to both {claimed[key]} and "
                                 f"{binding_id}; {binding_id} gets it")
                claimed[key] = binding_id
        for command in commands:
            if command.id in remapped:
                continue
            keys = _keys(command.keys)
            rest = [key for key in keys if key not in claimed]
            for key in keys:
                if key in claimed:
                    left = (f"keeps {', '.join(rest)}" if rest else
                            "has no key left (use the command palette)")
                    lines.append(f"key {key!r} is remapped to {claimed[key]}: "
                                 f"{command.id} loses it and {left}")
    return lines
