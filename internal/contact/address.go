package contact

import (
	"regexp"
	"strings"
)

var (
	// A street line: a number then a kind of way, or a way then a name
	// ("12 rue des Lilas", "4 place du Marché", "1 King Street").
	reStreet = regexp.MustCompile(`(?i)^\s*\d{1,4}\s*(?:bis|ter|[a-d])?\s*,?\s+(?:rue|avenue|av\.|bd|boulevard|place|chemin|allée|allee|impasse|route|quai|cours|square|passage|voie|lieu-dit|street|st\.?|road|rd\.?|lane|way|close|drive|court)\b.*$|^\s*\d{1,4}\s+[\p{L}' -]+\s+(?:street|road|lane|way|close|drive|court|avenue|place)\b.*$`)
	// A French postcode and town, or a British postcode.
	reFrenchTown = regexp.MustCompile(`^\s*(?:F-)?\d{5}\s+\p{Lu}[\p{L}' -]+(?:\s+(?i:cedex)(?:\s+\d+)?)?\s*$`)
	reUKPostcode = regexp.MustCompile(`\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b`)
)

// SignatureAddress returns the postal address a client's signature gives,
// its street line and its town line joined by ", " ("" when none): a
// street line followed, on the same or the next line or two, by a French
// postcode and town or a British postcode.
func SignatureAddress(signature string) string {
	lines := strings.Split(strings.ReplaceAll(signature, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if len(l) > 200 || !reStreet.MatchString(l) {
			continue
		}
		street := strings.TrimSpace(l)
		if town := townIn(street); town {
			return street
		}
		parts := []string{street}
		for j := i + 1; j < len(lines) && j <= i+2; j++ {
			next := strings.TrimSpace(lines[j])
			if next == "" {
				break
			}
			parts = append(parts, next)
			if townIn(next) {
				return strings.Join(parts, ", ")
			}
		}
	}
	return ""
}

// reSignOff is a closing formula: what follows it in a reply is the
// signature, even when the mail did not mark it.
var reSignOff = regexp.MustCompile(`(?i)^\s*(?:bien |très |tres )?(?:cordialement|à bientôt|a bientot|bien à vous|bien a vous|salutations|sincères salutations|bonne journée|bonne fin de journée|merci|regards|kind regards|best regards|best|thanks|many thanks|sincerely|yours sincerely|cheers)\b[ ,.!]*$`)

// ReplyAddress returns the postal address of a client's reply: in its
// signature as reply.Strip found it, else in the lines under the reply's
// last closing formula ("Cordialement,"), never in the body's sentences
// (an address there may be a delivery's or a site's).
func ReplyAddress(body, signature string) string {
	if a := SignatureAddress(signature); a != "" {
		return a
	}
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if reSignOff.MatchString(lines[i]) {
			return SignatureAddress(strings.Join(lines[i+1:], "\n"))
		}
	}
	return ""
}

// townIn says whether a line ends an address: a French postcode and town,
// or a British postcode.
func townIn(line string) bool {
	if reFrenchTown.MatchString(line) || reUKPostcode.MatchString(line) {
		return true
	}
	// "12 rue des Lilas, 69003 Lyon" on one line.
	if i := strings.LastIndex(line, ","); i >= 0 {
		return reFrenchTown.MatchString(line[i+1:])
	}
	return false
}
