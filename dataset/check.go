package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// check runs the checks that need every file parsed: references between
// items and quotes against the article texts.
func (l *loader) check() {
	files := map[string]string{} // source id → file name
	for _, r := range l.srcs {
		if r.it.owned {
			files[r.s.ID] = r.s.File
			l.readSource(r)
		}
	}
	for _, r := range l.ents {
		l.checkEvidence(r.ev, files)
	}
	for _, r := range l.rels {
		from, to := l.entity(r.it, r.from, true), l.entity(r.it, r.to, true)
		k := r.r.Kind
		if from != nil && to != nil && k.IsRelation() && from.kind.Valid() && to.kind.Valid() && !k.Fits(from.kind, to.kind) {
			r.it.errf(r.kindLine, "%s cannot run from %s %s to %s %s; it runs from %s",
				k, from.kind, r.from.id, to.kind, r.to.id, relationShapes[k])
		}
		l.checkEvidence(r.ev, files)
	}
	for _, r := range l.commits {
		actor, target := l.entity(r.it, r.actor, true), l.entity(r.it, r.target, true)
		k := r.c.Kind
		if actor != nil && target != nil && k.IsCommitment() && actor.kind.Valid() && target.kind.Valid() && !k.Fits(actor.kind, target.kind) {
			r.it.errf(r.actor.line, "%s must be made by a COUNTRY, PERSON, ORGANISATION or GROUP; actor %s is of kind %s",
				k, r.actor.id, actor.kind)
		}
		if by := l.entity(r.it, r.statedBy, false); by != nil && by.kind.Valid() && by.kind != cg.KindPerson {
			r.it.errf(r.statedBy.line, "statedBy %s is of kind %s; want the PERSON who said it", r.statedBy.id, by.kind)
		}
		l.checkEvidence(r.ev, files)
	}
	for _, r := range l.claims {
		l.entity(r.it, r.subject, true)
		if r.c.Stance != nil {
			if a := l.entity(r.it, r.actor, true); a != nil && a.kind.Valid() && !a.kind.IsActor() {
				r.it.errf(r.actor.line, "stance actor %s is of kind %s; want a COUNTRY, PERSON, ORGANISATION or GROUP", r.actor.id, a.kind)
			}
		}
		l.checkEvidence(r.ev, files)
	}
}

func (l *loader) readSource(r *sourceRec) {
	f := r.s.File
	switch {
	case f == "":
		r.it.errf(r.fileLine, "missing file: the article's file name under shared/seeds/")
		return
	case !fs.ValidPath(f) || strings.Contains(f, "/"):
		r.it.errf(r.fileLine, "file %q: want a plain file name such as 000_7a6dea6409ba7262.txt", f)
		return
	case l.sources == nil:
		r.it.errf(r.fileLine, "file %q: no source articles were given to look it up in", f)
		return
	}
	b, err := fs.ReadFile(l.sources, f)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.it.errf(r.fileLine, "file %q not found among the source articles", f)
	case err != nil:
		r.it.errf(r.fileLine, "file %q: %v", f, err)
	default:
		l.texts[r.s.ID] = string(b)
		r.s.Text = string(b)
	}
}

// entity resolves a reference to an entity; nil when it does not resolve
// (already reported) or is empty and optional.
func (l *loader) entity(it *item, r ref, required bool) *def {
	if r.id == "" {
		if required {
			it.missing(r.field, r.line, "missing %q", r.field)
		}
		return nil
	}
	d, ok := l.ids[r.id]
	if !ok {
		it.errf(r.line, "%s: unknown entity %q", r.field, r.id)
		return nil
	}
	if d.section != "entity" {
		it.errf(r.line, "%s: %q is not an entity but the %s at %s:%d", r.field, r.id, d.section, d.file, d.line)
		return nil
	}
	return &d
}

// checkEvidence resolves each item's source and finds its quote in the
// article, recording the line it starts on.
func (l *loader) checkEvidence(recs []*evRec, files map[string]string) {
	for _, r := range recs {
		id := r.ev.SourceID
		if id == "" {
			r.it.errf(r.sourceLine, "evidence: missing source")
			continue
		}
		d, ok := l.ids[id]
		if !ok {
			r.it.errf(r.sourceLine, "evidence: unknown source %q", id)
			continue
		}
		if d.section != "source" {
			r.it.errf(r.sourceLine, "evidence: %q is not a source but the %s at %s:%d", id, d.section, d.file, d.line)
			continue
		}
		text, ok := l.texts[id]
		if !ok || strings.TrimSpace(r.ev.Quote) == "" {
			continue // the source's file or the quote is already reported
		}
		i := strings.Index(text, r.ev.Quote)
		if i < 0 {
			r.it.errf(r.quoteLine, "evidence: quote not found verbatim in %s (source %s)%s", files[id], id, quoteHint(text, r.ev.Quote))
			continue
		}
		r.ev.Line = lineAt(text, i)
	}
}

func lineAt(text string, offset int) int {
	return 1 + strings.Count(text[:offset], "\n")
}

// quoteHint says how a quote that is not in text differs from it, since a
// curator usually typed a straight apostrophe for a curly one or changed a
// word: either the source's own wording, or how far the quote matches.
func quoteHint(text, quote string) string {
	nt, off := normalize(text)
	nq, _ := normalize(quote)
	if j := strings.Index(nt, nq); j >= 0 && nq != "" {
		orig := strings.TrimSpace(text[off[j]:off[j+len(nq)]])
		return fmt.Sprintf("; the source has %q (quotes, dashes or spacing differ)", orig)
	}
	lo, hi := 0, len(quote)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if strings.Contains(text, quote[:mid]) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	for lo > 0 && lo < len(quote) && !utf8.RuneStart(quote[lo]) {
		lo--
	}
	if lo < 12 {
		return ""
	}
	i := strings.Index(text, quote[:lo])
	return fmt.Sprintf("; it matches up to %q (line %d), then the source has %q where the quote has %q",
		clip(quote[:lo], -30), lineAt(text, i), clip(text[i+lo:], 30), clip(quote[lo:], 30))
}

// normalize folds typographic quotes and dashes to ASCII and runs of space
// to one space; off maps each byte of the result (and its end) back to an
// offset in s.
func normalize(s string) (string, []int) {
	var b strings.Builder
	var off []int
	space := false
	for i, r := range s {
		switch r {
		case '‘', '’', '‛', '′':
			r = '\''
		case '“', '”', '„', '″':
			r = '"'
		case '‐', '‑', '–', '—':
			r = '-'
		}
		if unicode.IsSpace(r) {
			if space {
				continue
			}
			r, space = ' ', true
		} else {
			space = false
		}
		n := utf8.RuneLen(r)
		for range n {
			off = append(off, i)
		}
		b.WriteRune(r)
	}
	off = append(off, len(s))
	return b.String(), off
}

// clip shortens s to n runes from its start, or to -n runes from its end.
func clip(s string, n int) string {
	r := []rune(s)
	switch {
	case n >= 0 && len(r) > n:
		return string(r[:n]) + "…"
	case n < 0 && len(r) > -n:
		return "…" + string(r[len(r)+n:])
	}
	return s
}
