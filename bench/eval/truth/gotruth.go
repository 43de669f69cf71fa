// Ground truth for the Go part of the XDR dev set: go/types resolves every identifier use of every
// package under a directory tree of Go's standard library sources, and this program reports the
// lines that use an object declared in ANOTHER file of the same tree (same package or a package
// below the root), with where that declaration stands.
//
// Usage: gotruth ROOT   (run with CGO_ENABLED=0, so the packages' pure-Go files are the ones checked)
// Output (stdout, one JSON object): {"go": version, "lines": [{path, line, column, defs}]}, where
// path is ROOT-relative with forward slashes, line is 0-based, column is the byte column of the
// first cross-file identifier on the line, and defs are {name, via, sites: [DefSite]} as in
// bench/eval/metric.ts (0-based lines). Imports are not uses; package names are whole modules,
// not definitions; an object declared in the current file is visible there and is skipped.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

type defSite struct {
	Path             string `json:"path"`
	NameLine         int    `json:"nameLine"`
	StartLine        int    `json:"startLine"`
	EndLine          int    `json:"endLine"`
	SignatureEndLine int    `json:"signatureEndLine"`
	Kind             string `json:"kind"`
}

type def struct {
	Name  string    `json:"name"`
	Via   string    `json:"via"`
	Sites []defSite `json:"sites"`
}

type useLine struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Defs   []def  `json:"defs"`
}

type output struct {
	Go       string    `json:"go"`
	Packages int       `json:"packages"`
	Errors   int       `json:"errors"`
	Lines    []useLine `json:"lines"`
}

var root string
var fset = token.NewFileSet()

// Parsed files of the tree by absolute path, for locating declarations.
var parsed = map[string]*ast.File{}

func parseFile(path string) *ast.File {
	if f, ok := parsed[path]; ok {
		return f
	}
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil && f == nil {
		parsed[path] = nil
		return nil
	}
	parsed[path] = f
	return f
}

func rel(path string) (string, bool) {
	r, err := filepath.Rel(root, path)
	if err != nil || strings.HasPrefix(r, "..") {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// site locates the declaration whose name is at pos, in the file's own parse.
func site(obj types.Object, relPath string) (defSite, bool) {
	p := fset.Position(obj.Pos())
	f := parseFile(p.Filename)
	if f == nil {
		return defSite{}, false
	}
	tf := fset.File(f.Pos())
	line := func(pos token.Pos) int { return tf.Line(pos) - 1 }
	// The name's position in this parse (the importer parsed its own copy of the file).
	namePos := tf.Pos(p.Offset)
	s := defSite{Path: relPath, NameLine: p.Line - 1}
	var found bool
	var withDoc = func(doc *ast.CommentGroup, n ast.Node) int {
		if doc != nil {
			return line(doc.Pos())
		}
		return line(n.Pos())
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if found || n == nil || namePos < n.Pos() || namePos >= n.End() {
			return !found && n != nil && namePos >= n.Pos() && namePos < n.End()
		}
		switch d := n.(type) {
		case *ast.FuncDecl:
			if d.Name.Pos() == namePos {
				s.StartLine, s.EndLine, s.Kind = withDoc(d.Doc, d), line(d.End()), "FuncDecl"
				s.SignatureEndLine = s.EndLine
				if d.Body != nil {
					s.SignatureEndLine = line(d.Body.Lbrace)
				}
				found = true
			}
		case *ast.GenDecl:
			// A single-spec declaration without parentheses is the spec's whole statement.
			if !d.Lparen.IsValid() && len(d.Specs) == 1 {
				if specHasName(d.Specs[0], namePos) {
					s.StartLine, s.EndLine = withDoc(d.Doc, d), line(d.End())
					s.Kind, s.SignatureEndLine = specKind(d.Specs[0], line, s.EndLine)
					found = true
				}
			}
		case *ast.TypeSpec:
			if d.Name.Pos() == namePos {
				s.StartLine, s.EndLine = withDoc(d.Doc, d), line(d.End())
				s.Kind, s.SignatureEndLine = specKind(d, line, s.EndLine)
				found = true
			}
		case *ast.ValueSpec:
			if specHasName(d, namePos) {
				s.StartLine, s.EndLine = withDoc(d.Doc, d), line(d.End())
				s.Kind, s.SignatureEndLine = specKind(d, line, s.EndLine)
				found = true
			}
		case *ast.Field:
			for _, nm := range d.Names {
				if nm.Pos() == namePos {
					s.StartLine, s.EndLine, s.Kind = withDoc(d.Doc, d), line(d.End()), "Field"
					s.SignatureEndLine = s.EndLine
					if _, isFunc := d.Type.(*ast.FuncType); isFunc {
						s.Kind = "InterfaceMethod"
					}
					found = true
				}
			}
		}
		return !found
	})
	if !found {
		return defSite{}, false
	}
	return s, true
}

func specHasName(spec ast.Spec, pos token.Pos) bool {
	switch sp := spec.(type) {
	case *ast.TypeSpec:
		return sp.Name.Pos() == pos
	case *ast.ValueSpec:
		for _, n := range sp.Names {
			if n.Pos() == pos {
				return true
			}
		}
	}
	return false
}

func specKind(spec ast.Spec, line func(token.Pos) int, end int) (string, int) {
	switch sp := spec.(type) {
	case *ast.TypeSpec:
		switch t := sp.Type.(type) {
		case *ast.StructType:
			return "TypeSpec", line(t.Fields.Opening)
		case *ast.InterfaceType:
			return "TypeSpec", line(t.Methods.Opening)
		}
		return "TypeSpec", end
	case *ast.ValueSpec:
		return "ValueSpec", end
	}
	return "Spec", end
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gotruth ROOT")
		os.Exit(2)
	}
	var err error
	// Not through symlinks: go/build applies GOROOT's vendor rules only to directories under GOROOT
	// as it spells it.
	root, err = filepath.Abs(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var dirs []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			dirs = append(dirs, p)
		}
		return nil
	})
	sort.Strings(dirs)
	imp := importer.ForCompiler(fset, "source", nil)
	out := output{Go: runtime.Version(), Lines: []useLine{}}
	for _, dir := range dirs {
		bp, err := build.ImportDir(dir, 0)
		if err != nil || len(bp.GoFiles) == 0 {
			continue
		}
		var files []*ast.File
		for _, name := range bp.GoFiles {
			if f := parseFile(filepath.Join(dir, name)); f != nil {
				files = append(files, f)
			}
		}
		info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
		conf := types.Config{Importer: imp, Error: func(err error) {
			out.Errors++
			if os.Getenv("GOTRUTH_DEBUG") != "" {
				fmt.Fprintln(os.Stderr, err)
			}
		}}
		conf.Check(bp.ImportPath, fset, files, info)
		out.Packages++
		for _, f := range files {
			here := fset.Position(f.Pos()).Filename
			relHere, ok := rel(here)
			if !ok {
				continue
			}
			lines := collect(f, info, here, relHere)
			out.Lines = append(out.Lines, lines...)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type lineEntry struct {
	column int
	keys   []string
	defs   map[string]*def
}

func collect(f *ast.File, info *types.Info, here, relHere string) []useLine {
	byLine := map[int]*lineEntry{}
	// Selector fields whose receiver is a package name: a top-level definition reached through its package.
	pkgQualified := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok {
				if _, isPkg := info.Uses[x].(*types.PkgName); isPkg {
					pkgQualified[sel.Sel] = true
				}
			}
		}
		return true
	})
	selField := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			selField[sel.Sel] = true
		}
		return true
	})
	for _, decl := range f.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			obj := info.Uses[id]
			if obj == nil || !obj.Pos().IsValid() {
				return true
			}
			if _, isPkg := obj.(*types.PkgName); isPkg {
				return true
			}
			dp := fset.Position(obj.Pos())
			if dp.Filename == here {
				return true
			}
			relDef, ok := rel(dp.Filename)
			if !ok {
				return true
			}
			s, ok := site(obj, relDef)
			if !ok {
				return true
			}
			via := "name"
			if selField[id] && !pkgQualified[id] {
				via = "member"
			}
			up := fset.Position(id.Pos())
			l := up.Line - 1
			e := byLine[l]
			if e == nil {
				e = &lineEntry{column: up.Column - 1, defs: map[string]*def{}}
				byLine[l] = e
			}
			if up.Column-1 < e.column {
				e.column = up.Column - 1
			}
			key := fmt.Sprintf("%s:%d:%d", s.Path, s.StartLine, s.NameLine)
			if prev, ok := e.defs[key]; ok {
				if via == "name" {
					prev.Via = "name"
				}
			} else {
				e.defs[key] = &def{Name: obj.Name(), Via: via, Sites: []defSite{s}}
				e.keys = append(e.keys, key)
			}
			return true
		})
	}
	var lines []int
	for l := range byLine {
		lines = append(lines, l)
	}
	sort.Ints(lines)
	out := make([]useLine, 0, len(lines))
	for _, l := range lines {
		e := byLine[l]
		u := useLine{Path: relHere, Line: l, Column: e.column}
		for _, k := range e.keys {
			u.Defs = append(u.Defs, *e.defs[k])
		}
		out = append(out, u)
	}
	return out
}
