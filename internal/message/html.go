package message

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText accumulates readable text with explicit control over line
// breaks, so that block elements, lists and quotes come out as a person
// would type them in a plain-text mail.
type htmlText struct {
	out          strings.Builder
	line         strings.Builder
	lineQuote    int // quote depth of the line being built
	quote        int // current <blockquote> depth
	breaks       int // line breaks requested before the next text
	pendingSpace bool
	started      bool // something was written already
	limit        int
}

func (w *htmlText) full() bool { return w.out.Len()+w.line.Len() > w.limit }

func (w *htmlText) requestBreak(n int) {
	if n > w.breaks {
		w.breaks = n
	}
	w.pendingSpace = false
}

func (w *htmlText) endLine() {
	if w.lineQuote > 0 {
		prefix := strings.Repeat("> ", w.lineQuote)
		if w.line.Len() == 0 {
			prefix = strings.TrimRight(prefix, " ")
		}
		w.out.WriteString(prefix)
	}
	w.out.WriteString(strings.TrimRight(w.line.String(), " \t"))
	w.out.WriteByte('\n')
	w.line.Reset()
}

// flushBreaks emits the requested breaks before new text: one ends the
// current line, each further one adds a blank line.
func (w *htmlText) flushBreaks() {
	if !w.started {
		w.breaks = 0
		w.lineQuote = w.quote
		return
	}
	if w.breaks > 0 {
		w.endLine()
		for i := 1; i < w.breaks; i++ {
			w.lineQuote = min(w.lineQuote, w.quote)
			w.endLine()
		}
		w.breaks = 0
		w.lineQuote = w.quote
	}
}

func (w *htmlText) text(s string, pre bool) {
	if pre {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				w.requestBreak(1)
			}
			if part != "" {
				w.flushBreaks()
				w.line.WriteString(part)
				w.started = true
			}
		}
		return
	}
	if len(s) > 0 && isHTMLSpace(rune(s[0])) {
		w.pendingSpace = true
	}
	for i, f := range strings.FieldsFunc(s, isHTMLSpace) {
		if i > 0 {
			w.pendingSpace = true
		}
		w.flushBreaks()
		if w.pendingSpace && w.line.Len() > 0 && !strings.HasSuffix(w.line.String(), " ") {
			w.line.WriteByte(' ')
		}
		w.line.WriteString(f)
		w.started = true
		w.pendingSpace = false
	}
	if len(s) > 0 && isHTMLSpace(rune(s[len(s)-1])) {
		w.pendingSpace = true
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0' || r == '\u200b'
}

func (w *htmlText) String() string {
	if w.line.Len() > 0 {
		w.endLine()
	}
	s := w.out.String()
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimRight(strings.TrimLeft(s, "\n"), "\n ")
}

type listState struct {
	ordered bool
	n       int
}

type anchor struct {
	href string
	text strings.Builder
}

// htmlToText renders HTML as readable plain text: paragraphs and breaks,
// "- " and "1. " list items, links as "text (url)", blockquotes prefixed
// with "> ", script/style/head content dropped, entities decoded. It stops
// after about limit bytes of output.
func htmlToText(src string, limit int) string {
	z := html.NewTokenizer(strings.NewReader(src))
	z.SetMaxBuf(0)
	w := &htmlText{limit: limit}
	skip := 0 // depth inside script/style/head/title...
	pre := 0
	var lists []listState
	var links []*anchor
	for !w.full() {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			w.text(t, pre > 0)
			for _, a := range links {
				a.text.WriteString(t)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			var attrs map[string]string
			if hasAttr && (a == atom.A || a == atom.Img || a == atom.Ol || a == atom.Li || a == atom.Meta) {
				attrs = map[string]string{}
				for {
					k, v, more := z.TagAttr()
					attrs[string(k)] = string(v)
					if !more {
						break
					}
				}
			}
			selfClosing := tt == html.SelfClosingTagToken
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Noscript, atom.Template, atom.Svg, atom.Object, atom.Iframe:
				if !selfClosing {
					skip++
				}
			case atom.Br:
				if w.breaks > 0 && w.breaks < 3 {
					// Each further <br> adds a blank line.
					w.breaks++
				} else {
					w.requestBreak(1)
				}
				w.pendingSpace = false
			case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Hr, atom.Dl:
				w.requestBreak(2)
			case atom.Div, atom.Tr, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Address,
				atom.Dt, atom.Dd, atom.Center, atom.Form, atom.Caption, atom.Tbody, atom.Thead, atom.Tfoot, atom.Main, atom.Nav, atom.Aside, atom.Figure:
				w.requestBreak(1)
			case atom.Pre:
				w.requestBreak(2)
				if !selfClosing {
					pre++
				}
			case atom.Blockquote:
				w.requestBreak(2)
				if !selfClosing {
					w.quote++
				}
			case atom.Ul, atom.Ol:
				w.requestBreak(1)
				if !selfClosing && len(lists) < 50 {
					ls := listState{ordered: a == atom.Ol}
					if st, err := strconv.Atoi(attrs["start"]); err == nil && st > 0 && st < 1e6 {
						ls.n = st - 1
					}
					lists = append(lists, ls)
				}
			case atom.Li:
				w.requestBreak(1)
				w.flushBreaks()
				indent := ""
				if len(lists) > 1 {
					indent = strings.Repeat("  ", len(lists)-1)
				}
				marker := "- "
				if len(lists) > 0 && lists[len(lists)-1].ordered {
					lists[len(lists)-1].n++
					marker = strconv.Itoa(lists[len(lists)-1].n) + ". "
				}
				w.line.WriteString(indent + marker)
				w.started = true
				w.pendingSpace = false
			case atom.Td, atom.Th:
				if w.line.Len() > 0 {
					w.pendingSpace = true
				}
			case atom.A:
				if !selfClosing && len(links) < 20 {
					links = append(links, &anchor{href: strings.TrimSpace(attrs["href"])})
				}
			case atom.Img:
				if alt := strings.TrimSpace(attrs["alt"]); alt != "" && skip == 0 {
					w.text(" "+alt+" ", false)
					for _, l := range links {
						l.text.WriteString(alt)
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Noscript, atom.Template, atom.Svg, atom.Object, atom.Iframe:
				if skip > 0 {
					skip--
				}
			case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Dl:
				w.requestBreak(2)
			case atom.Div, atom.Tr, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Address,
				atom.Dt, atom.Dd, atom.Center, atom.Form, atom.Caption, atom.Li, atom.Main, atom.Nav, atom.Aside, atom.Figure:
				w.requestBreak(1)
			case atom.Pre:
				if pre > 0 {
					pre--
				}
				w.requestBreak(2)
			case atom.Blockquote:
				if w.quote > 0 {
					w.requestBreak(2)
					w.quote--
				}
			case atom.Ul, atom.Ol:
				if len(lists) > 0 {
					lists = lists[:len(lists)-1]
				}
				w.requestBreak(1)
			case atom.A:
				if len(links) > 0 {
					l := links[len(links)-1]
					links = links[:len(links)-1]
					if suffix := linkSuffix(l.href, l.text.String()); suffix != "" && skip == 0 {
						w.text(" "+suffix, false)
						w.pendingSpace = false
					}
				}
			}
		}
	}
	return w.String()
}

// linkSuffix returns "(url)" for a link whose visible text does not already
// show the target; fragment and script links are dropped.
func linkSuffix(href, text string) string {
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	low := strings.ToLower(href)
	if strings.HasPrefix(low, "javascript:") || strings.HasPrefix(low, "data:") || strings.HasPrefix(low, "cid:") {
		return ""
	}
	t := strings.TrimSpace(strings.Join(strings.FieldsFunc(text, isHTMLSpace), " "))
	if t == "" {
		return ""
	}
	bare := strings.TrimPrefix(strings.TrimPrefix(low, "mailto:"), "tel:")
	lt := strings.ToLower(t)
	if lt == low || lt == bare || strings.TrimSuffix(lt, "/") == strings.TrimSuffix(bare, "/") ||
		strings.TrimPrefix(strings.TrimPrefix(strings.TrimSuffix(low, "/"), "https://"), "http://") == strings.TrimSuffix(lt, "/") {
		return ""
	}
	if len(href) > 500 {
		return ""
	}
	return "(" + href + ")"
}
