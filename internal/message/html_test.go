package message

import "testing"

func TestHTMLToText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs and breaks", "<p>a</p><p>b<br>c<br><br>d</p>", "a\n\nb\nc\n\nd"},
		{"divs", "<div>one</div><div>two</div><div><br></div><div>three</div>", "one\ntwo\n\nthree"},
		{"whitespace collapsed", "<p>  lots \n of\t space  </p>", "lots of space"},
		{"entities", "<p>caf&eacute; &amp; th&#233; &lt;ok&gt; &euro;</p>", "café & thé <ok> €"},
		{"script and style dropped", "<style>.x{}</style><p>shown</p><script>var a='<p>no</p>';</script>", "shown"},
		{"link with text", `<a href="https://pay.example/x">Payer</a>`, "Payer (https://pay.example/x)"},
		{"link showing its url", `<a href="https://pay.example/">https://pay.example</a>`, "https://pay.example"},
		{"mailto link", `<a href="mailto:a@b.example">a@b.example</a>`, "a@b.example"},
		{"fragment link", `<a href="#top">top</a>`, "top"},
		{"nested lists", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c"},
		{"ordered with start", `<ol start="3"><li>x</li><li>y</li></ol>`, "3. x\n4. y"},
		{"pre keeps lines", "<pre>a  b\n  c</pre>", "a  b\n  c"},
		{"nested quotes", "<p>top</p><blockquote>q1<blockquote>q2</blockquote>back</blockquote><p>end</p>",
			"top\n\n> q1\n>\n> > q2\n>\n> back\n\nend"},
		{"table cells", "<table><tr><td>Montant</td><td>1 250,00 €</td></tr><tr><td>Échéance</td><td>4 mars</td></tr></table>",
			"Montant 1 250,00 €\nÉchéance 4 mars"},
		{"image alt", `<p>Logo <img src="x.png" alt="ACME"> here</p>`, "Logo ACME here"},
		{"broken markup", "<p>unclosed <b>bold <i>both</p> after", "unclosed bold both\n\nafter"},
		{"outlook word markup", `<div class=WordSection1><p class=MsoNormal>Bonjour<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Merci<o:p></o:p></p></div>`,
			"Bonjour\n\nMerci"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlToText(tt.in, 1<<20); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestHTMLToTextLimit(t *testing.T) {
	in := ""
	for i := 0; i < 1000; i++ {
		in += "<p>paragraph</p>"
	}
	if got := htmlToText(in, 100); len(got) > 200 {
		t.Errorf("output %d bytes, limit 100", len(got))
	}
}
