// Package static embeds odi's templates, stylesheet and scripts so the binary
// is self-contained and needs no build step.
package static

import (
	"embed"
	"io/fs"
)

//go:embed templates assets
var files embed.FS

// Templates holds the html/template pages, named by file without extension.
var Templates = mustSub("templates")

// Assets holds the CSS and JavaScript served under /static.
var Assets = mustSub("assets")

func mustSub(dir string) fs.FS {
	sub, err := fs.Sub(files, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
