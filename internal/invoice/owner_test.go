package invoice

import (
	"testing"

	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/message"
)

func TestOwnership(t *testing.T) {
	studio := newUs("Studio Martin", "factures@studio-martin.example", Identity{})
	configured := newUs("Facturation", "billing@gmail.com", Identity{Names: []string{"Menuiserie Roux SARL"}, VAT: "FR40303265045"})
	tests := []struct {
		name          string
		u             us
		seller, buyer Party
		ours          bool
	}{
		{"seller named like the From", studio, Party{Name: "STUDIO MARTIN SARL"}, Party{Name: "Boulangerie Dupont"}, true},
		{"seller at the From's domain", studio, Party{Name: "SM Création", Email: "compta@studio-martin.example"}, Party{Name: "Dupont"}, true},
		{"no seller stated", studio, Party{}, Party{Name: "Boulangerie Dupont"}, true},
		{"supplier's invoice: buyer is us", studio, Party{Name: "Fournitures Leroy"}, Party{Name: "Studio Martin"}, false},
		{"supplier's invoice, buyer by domain", studio, Party{Name: "OVH"}, Party{Name: "SM", Email: "admin@studio-martin.example"}, false},
		{"buyer by the domain's name", studio, Party{Name: "Adobe Systems"}, Party{Name: "Studio-Martin"}, false},
		{"configured name, webmail From", configured, Party{Name: "Menuiserie Roux"}, Party{Name: "Client"}, true},
		{"configured VAT as seller's", configured, Party{Name: "MR", VATID: "FR 40 303265045"}, Party{Name: "Client"}, true},
		{"configured VAT as buyer's", configured, Party{Name: "Bois & Co", VATID: "FR11999999999"}, Party{Name: "X", VATID: "FR40303265045"}, false},
		{"seller's VAT is another's", configured, Party{Name: "Bois & Co", VATID: "FR11999999999"}, Party{Name: "Client"}, false},
		{"a client whose name holds ours", newUs("Dupont", "jean@dupont-plomberie.fr", Identity{}), Party{}, Party{Name: "Boulangerie Dupont & Fils"}, true},
		{"a client whose name holds our domain's", studio, Party{}, Party{Name: "Studio Martin Architectes Associés"}, true},
		{"webmail domain says nothing", newUs("", "jean@gmail.com", Identity{}), Party{Name: "Adobe"}, Party{Email: "other@gmail.com"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ours, why := ownership(tc.u, tc.seller, tc.buyer)
			if ours != tc.ours {
				t.Errorf("ownership = %v (%s), want %v", ours, why, tc.ours)
			}
			if !ours && why == "" {
				t.Error("a rejection without its reason")
			}
		})
	}
}

// Documents a person may take for an invoice are rejected with their
// reason, and their facts are kept for the owner to adopt them.
func TestDetectRejections(t *testing.T) {
	supplierPDF := makePDF(t, pdfwrite.Doc{Lines: []string{
		"Fournitures Leroy SARL — 12 rue du Bois, 69003 Lyon",
		"FACTURE N° FL-2211",
		"Date de facture : 28/10/2026",
		"Client : Studio Martin",
		"Total TTC : 318,00 €",
		"Date d'échéance : 27/11/2026",
	}})
	tests := []struct {
		name    string
		m       *message.Message
		reject  Rejection
		number  string
		wantNum bool
	}{
		{"supplier's invoice forwarded to the accountant",
			sent("TR: Facture Fournitures Leroy FL-2211", "Pour la compta.", pdfAttachment("FL-2211.pdf", supplierPDF)), RejectNotOurs, "FL-2211", true},
		{"pro forma", sent("Facture pro forma PF-12", "Montant : 500,00 €"), RejectProforma, "", false},
		{"quote", sent("Devis D-2026-044", "Ci-joint notre devis D-2026-044. Total TTC : 1 200,00 €"), RejectQuote, "", false},
		{"order confirmation", sent("Confirmation de commande 8812", "Total : 99,00 €"), RejectOrder, "", false},
		{"payment receipt", sent("Votre règlement de la facture F-2026-0100", "Nous avons bien reçu votre règlement de 420,00 € pour la facture F-2026-0100. Merci !"), RejectReceipt, "", false},
		{"hand-written reminder", sent("Relance facture F-2026-0142", "Bonjour, sauf erreur de notre part la facture F-2026-0142 de 1 234,56 € reste impayée."), RejectOwnReminder, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Detect(tc.m, Options{DefaultCurrency: "EUR"})
			if r.Kind != KindNone || r.Rejected != tc.reject || r.Reason == "" {
				t.Fatalf("Detect = %s %q (%s), want rejected %q; evidence %q", r.Kind, r.Rejected, r.Reason, tc.reject, r.Evidence)
			}
			if tc.wantNum && r.Number != tc.number {
				t.Errorf("Number = %q, want %q (kept for adoption)", r.Number, tc.number)
			}
		})
	}
	// Our own invoice, the same PDF with the roles the right way round.
	ours := makePDF(t, pdfwrite.Doc{Lines: invoiceLines("F-2026-0142", "1 234,56 €")})
	r := Detect(sent("Facture F-2026-0142", "Ci-joint.", pdfAttachment("F-2026-0142.pdf", ours)), Options{})
	if r.Kind != KindInvoice || r.Rejected != "" {
		t.Errorf("our invoice: %s %q (%s)", r.Kind, r.Rejected, r.Reason)
	}
}
