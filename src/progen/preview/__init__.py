"""`progen serve`'s parts: watching the inputs, previewing a changed programme's pages at
once, building everything else in the background, and serving it with live reload."""
