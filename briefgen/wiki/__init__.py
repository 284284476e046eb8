"""Publishing briefs to an internal wiki: a Git clone of a GitHub, GitLab or Wiki.js wiki, or a MkDocs folder.

The flow, one module per step: `config` (the [wiki] table) → `flavors` (page names, front matter
and link syntax of each wiki) → `pages` (briefs → page bytes) → `sync` (compare with the files and
the manifest, write only what changed) → `git` (one commit, push with one retry). `publishing`
runs those steps in order for the `briefgen publish` command.
"""
