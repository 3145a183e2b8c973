package message

import "testing"

func TestNeedsBody(t *testing.T) {
	opt := DefaultOptions()
	tests := []struct {
		name string
		p    Part
		want bool
	}{
		{"plain body", Part{MediaType: "text/plain", Size: 2000}, true},
		{"html body", Part{MediaType: "TEXT/HTML", Size: 20000}, true},
		{"huge html", Part{MediaType: "text/html", Size: 50 << 20}, false},
		{"text attachment", Part{MediaType: "text/plain", Disposition: "attachment", Size: 10}, false},
		{"pdf", Part{MediaType: "application/pdf", Size: 100000}, false},
		{"xml invoice", Part{MediaType: "application/octet-stream", DispositionParams: map[string]string{"filename": "factur-x.xml"}, Size: 9000}, true},
		{"delivery status", Part{MediaType: "message/delivery-status", Size: 400}, true},
		{"bounced headers", Part{MediaType: "text/rfc822-headers", Size: 3000}, true},
		{"small original", Part{MediaType: "message/rfc822", Size: 9000}, true},
		{"big forwarded mail", Part{MediaType: "message/rfc822", Size: 8 << 20}, false},
		{"image", Part{MediaType: "image/png", Size: 100}, false},
	}
	for _, tt := range tests {
		if got := NeedsBody(tt.p, opt); got != tt.want {
			t.Errorf("%s: NeedsBody = %v, want %v", tt.name, got, tt.want)
		}
	}
}
