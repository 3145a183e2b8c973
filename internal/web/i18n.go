package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/scorecard"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
)

// The page speaks French first, English to browsers that prefer it. A
// choice made with ?lang= is kept in a cookie.

const langCookie = "relance_lang"

var langMatcher = language.NewMatcher([]language.Tag{language.French, language.English})

// pickLang chooses the UI language of a request: an explicit ?lang=, then
// the cookie, then Accept-Language, French by default.
func pickLang(r *http.Request) (lang string, explicit bool) {
	if l := r.URL.Query().Get("lang"); l == "fr" || l == "en" {
		return l, true
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "fr" || c.Value == "en") {
		return c.Value, false
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "fr", false
	}
	_, idx, conf := langMatcher.Match(tags...)
	if conf == language.No || idx != 1 {
		return "fr", false
	}
	return "en", false
}

// webMessages are the page's sentences, by language and message id.
var webMessages = text.Catalogue{"fr": messagesFR, "en": messagesEN}

// Message returns the page's sentence id in lang (or the fallback language)
// and whether it has one, for the command line, which words the same things
// (a draft's blanks, for one) without a page.
func Message(lang, id string) (string, bool) { return webMessages.Message(lang, id) }

// locale formats and translates for one language and time zone.
type locale struct {
	Lang string
	loc  *time.Location
	// msgLang is the catalogue's language: French unless English was asked.
	msgLang string
	// prefix comes before the paths of the mailbox's pages ("/m/NAME" on a site of
	// several mailboxes, empty otherwise): the templates are parsed once
	// for every mailbox and every template already holds the locale.
	prefix string
}

func newLocale(lang string, loc *time.Location) *locale {
	m := "fr"
	if lang == "en" {
		m = "en"
	}
	return &locale{Lang: lang, loc: loc, msgLang: m}
}

// Link is a path of the mailbox's pages ("/review", "/flags/") as the
// browser must ask for it, under the mailbox's prefix on a site.
func (l *locale) Link(path string) string { return l.prefix + path }

// T translates a key; arguments fill its %s/%d verbs. An unknown key shows
// itself, so a missing translation is visible rather than blank.
func (l *locale) T(key string, args ...any) string {
	return webMessages.T(l.msgLang, key, args...)
}

// Label translates a value of a known family (state, stage, flag kind,
// event kind, bucket) and falls back to the value made readable. The value
// is any of the domain's string types (templates pass them as they are).
func (l *locale) Label(family string, v any) string {
	value := fmt.Sprint(v)
	if s, ok := webMessages[l.msgLang][family+"."+value]; ok {
		return s
	}
	return strings.ReplaceAll(value, "_", " ")
}

// Segment names a client's segment: how long known, how it pays.
func (l *locale) Segment(s scorecard.Segment) string {
	return l.Label("segment", s.Relationship) + " · " + l.Label("payer", s.Payer)
}

// Objections lists the stock objections, for the forms that correct one.
func (l *locale) Objections() []domain.Objection { return domain.Objections() }

// Colon is the separator before a value: French puts a space before it.
func (l *locale) Colon() string {
	if l.Lang == "en" {
		return ": "
	}
	return "\u00a0: "
}

// Plural picks the singular or plural form of key (key.one / key.other).
func (l *locale) Plural(key string, n int) string {
	if n == 1 || (l.Lang == "fr" && n == 0) {
		return l.T(key+".one", n)
	}
	return l.T(key+".other", n)
}

// Date prints a calendar date ("3 déc. 2026", "3 Dec 2026").
func (l *locale) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return text.FormatShortDate(l.Lang, t)
}

// DateTime prints an instant in the business's time zone, with its offset
// from UTC ("3 déc. 2026 à 09h00 (+01:00)"), so no reader has to guess the
// zone.
func (l *locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(l.loc)
	if l.Lang == "en" {
		return t.Format("2 Jan 2006, 15:04 (-07:00)")
	}
	return l.Date(t) + t.Format(" à 15h04 (-07:00)")
}

// ISO prints an instant for machines (datetime attributes, scripts).
func (l *locale) ISO(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Duration prints a countdown in whole minutes ("2 j 3 h", "45 min").
func (l *locale) Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	mins := int(d.Round(time.Minute) / time.Minute)
	days, hours, m := mins/(24*60), (mins/60)%24, mins%60
	dayU := "j"
	if l.Lang == "en" {
		dayU = "d"
	}
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d %s %d h", days, dayU, hours)
	case days > 0:
		return fmt.Sprintf("%d %s", days, dayU)
	case hours > 0 && m > 0:
		return fmt.Sprintf("%d h %02d", hours, m)
	case hours > 0:
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", m)
}

// Wait prints a short span to the second, for work under way: "45 s",
// "2 min 05 s", "1 h 02 min".
func (l *locale) Wait(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	secs := int(d.Round(time.Second) / time.Second)
	h, m, sec := secs/3600, (secs/60)%60, secs%60
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %02d min", h, m)
	case m > 0:
		return fmt.Sprintf("%d min %02d s", m, sec)
	}
	return fmt.Sprintf("%d s", sec)
}

// Count prints a whole number with the reader's thousands separator:
// "12 000" in French (a narrow no-break space), "12,000" in English.
func (l *locale) Count(n int) string {
	sep := "\u202f"
	if l.Lang == "en" {
		sep = ","
	}
	digits := strconv.Itoa(n)
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Money prints an amount with its currency the way the reader expects:
// "1 234,50 €" in French, "€1,234.50" in English.
func (l *locale) Money(amount decimal.Decimal, currency string) string {
	return text.FormatMoneyOnPage(l.Lang, amount, currency)
}

// formatMoney is the French form, kept for callers without a locale.
func formatMoney(amount decimal.Decimal, currency string) string {
	return text.FormatMoneyOnPage("fr", amount, currency)
}

var messagesFR = map[string]string{
	"event.manual_reminder":        "Relance écrite à la main",
	"event.manual_contact":         "Mail écrit à la main",
	"tl.level":                     "Niveau",
	"nav.rejected":                 "Documents écartés",
	"rej.title":                    "Documents écartés",
	"rej.lead":                     "Des mails envoyés qui ressemblaient à des factures sans être nos créances : factures de fournisseurs transmises au comptable, pro forma, devis, confirmations de commande, reçus, nos propres relances. Si relance s'est trompé, adoptez le document : il devient une facture suivie.",
	"rej.none":                     "Aucun document écarté.",
	"rej.col.date":                 "Envoyé le",
	"rej.col.subject":              "Objet",
	"rej.col.reason":               "Raison",
	"rej.col.facts":                "Ce qui a été lu",
	"rej.adopt":                    "Adopter comme facture",
	"rej.adopted":                  "Adopté : facture %s",
	"rej.err":                      "Ce document n'est plus à adopter (déjà adopté ?).",
	"rej.link":                     "Voir les documents écartés",
	"done.adopted":                 "Document adopté : c'est maintenant une facture suivie.",
	"event.document_adopted":       "Document adopté comme facture",
	"tl.route":                     "Rattachée par",
	"tl.unknown":                   "adresse inconnue",
	"route.references":             "réponse dans le fil d'un de nos mails",
	"route.number":                 "numéro de facture cité",
	"route.amount":                 "montant cité",
	"route.sender":                 "adresse du client",
	"route.domain":                 "autre adresse du domaine du client",
	"kind.unknown_sender":          "Adresse inconnue",
	"kind.partial_claim":           "Paiement partiel annoncé",
	"rejected.not_ours":            "pas à nous (facture d'un fournisseur)",
	"rejected.proforma":            "pro forma",
	"rejected.quote":               "devis",
	"rejected.order_confirmation":  "confirmation de commande",
	"rejected.receipt":             "reçu de paiement",
	"rejected.own_reminder":        "une de nos relances",
	"rejected.reply":               "réponse sans document",
	"rejected.no_facts":            "ni numéro ni montant",
	"rejected.other_document":      "autre type de document",
	"app.name":                     "relance",
	"app.tagline":                  "Vos factures, relancées calmement.",
	"nav.overview":                 "Aperçu",
	"nav.review":                   "À relire",
	"nav.flags":                    "Signalements",
	"nav.invoices":                 "Factures",
	"nav.logout":                   "Se déconnecter",
	"nav.lang":                     "English",
	"nav.lang.code":                "en",
	"nav.skip":                     "Aller au contenu",
	"login.title":                  "Connexion",
	"login.lead":                   "Cette page est protégée. Saisissez le jeton d'accès (RELANCE_HTTP_TOKEN).",
	"login.token":                  "Jeton d'accès",
	"login.submit":                 "Se connecter",
	"login.bad":                    "Ce jeton n'est pas le bon.",
	"login.lead.accounts":          "Cette page est protégée. Saisissez votre identifiant et votre mot de passe.",
	"login.login":                  "Identifiant",
	"login.password":               "Mot de passe",
	"login.bad.accounts":           "Identifiant ou mot de passe incorrect.",
	"login.token.hint":             "Exploitant : laissez l'identifiant vide et saisissez le jeton d'accès comme mot de passe.",
	"who.as":                       "Connecté : %s",
	"role.owner":                   "propriétaire",
	"role.staff":                   "collaborateur du cabinet",
	"role.admin":                   "administrateur",
	"role.operator":                "exploitant (jeton)",
	"ov.title":                     "Aperçu",
	"site.title":                   "Toutes les boîtes mail",
	"site.lead":                    "Une ligne par boîte mail : ce qui est en retard, ce qui attend une décision, et la dernière synchro.",
	"site.search":                  "Filtrer par nom",
	"site.filter":                  "Filtrer",
	"site.shown":                   "%d sur %d",
	"site.col.mailbox":             "Boîte mail",
	"site.col.connection":          "Connexion",
	"site.failed":                  "Chiffres indisponibles pour le moment (voir le journal).",
	"site.none":                    "Aucune boîte mail ne correspond.",
	"site.mailbox":                 "Boîte mail",
	"site.switch":                  "Changer de boîte mail",
	"site.all":                     "Toutes les boîtes mail",
	"ov.overdue":                   "En retard",
	"ov.overdue.none":              "Aucune facture en retard.",
	"ov.rates":                     "Taux BCE des pénalités de retard : table vérifiée le %s (il y a %d jours).",
	"ov.rates.stale":               "Taux BCE des pénalités de retard : table vérifiée le %s (il y a %d jours), avant le semestre commencé le %s ; les pénalités peuvent utiliser un taux dépassé. Complétez penalties.ecb_rates et ecb_rates_checked_on dans le fichier de politique.",
	"ov.rates.unknown":             "Taux BCE des pénalités de retard : date de vérification de la table inconnue (penalties.ecb_rates_checked_on).",
	"ov.outstanding":               "Encours total",
	"ov.count.one":                 "%d facture",
	"ov.count.other":               "%d factures",
	"ov.drafts":                    "Brouillons à relire",
	"ov.drafts.ready.one":          "%d prêt à partir",
	"ov.drafts.ready.other":        "%d prêts à partir",
	"ov.flags":                     "Signalements ouverts",
	"ov.flags.seen.one":            "%d déjà vu",
	"ov.flags.seen.other":          "%d déjà vus",
	"ov.mailbox":                   "Boîte mail",
	"ov.mailbox.up":                "Connectée",
	"ov.mailbox.down":              "Déconnectée",
	"ov.mailbox.unk":               "État inconnu",
	"ov.mailbox.sync":              "Dernière synchro %s",
	"ov.mailbox.never":             "Pas encore synchronisée",
	"ov.scan":                      "Première lecture de %s : %s sur %s messages",
	"ov.scan.rate":                 "%s messages par seconde, encore environ %s (depuis %s)",
	"ov.scan.starting":             "calcul du rythme… (depuis %s)",
	"ov.money":                     "Où en sont les encaissements",
	"ov.dso":                       "Délai moyen d'encaissement (DSO)",
	"ov.dso.days.one":              "%d jour",
	"ov.dso.days.other":            "%d jours",
	"ov.dso.how":                   "Encours de %s ÷ %s facturés sur les %d derniers jours × %d.",
	"ov.aging":                     "Encours par ancienneté",
	"ov.aging.total":               "Total",
	"ov.trend":                     "Montant en retard, semaine après semaine (%s)",
	"ov.trend.how":                 "Recalculé à partir des dates des factures et des paiements, sur 12 semaines.",
	"ov.debtors":                   "Plus gros débiteurs",
	"ov.debtors.late.one":          "%d jour de retard",
	"ov.debtors.late.other":        "%d jours de retard",
	"ov.debtors.overdue":           "dont %s en retard",
	"ov.watch":                     "Clients à surveiller",
	"payer.chronic":                "retards systématiques",
	"payer.occasional":             "retards occasionnels",
	"payer.punctual":               "paie à l'heure",
	"payer.unknown":                "pas encore d'historique",
	"ov.next":                      "À faire maintenant",
	"ov.next.review":               "Relire les brouillons",
	"ov.next.flags":                "Traiter les signalements",
	"ov.next.calm":                 "Rien n'attend votre décision. Bonne journée.",
	"ov.see":                       "Voir",
	"review.title":                 "À relire",
	"review.lead":                  "Chaque relance reste en attente jusqu'au jour ouvré suivant. Relisez, corrigez, approuvez.",
	"review.empty":                 "Aucun brouillon en attente.",
	"review.to":                    "À",
	"review.invoices":              "Factures",
	"review.stage":                 "Étape",
	"review.hold":                  "En attente encore %s",
	"review.hold.over":             "Attente terminée depuis %s",
	"review.approved":              "Approuvé — part au prochain créneau d'envoi",
	"review.warnings":              "Points de ton à revoir",
	"review.calm":                  "Ton calme : rien à signaler.",
	"review.edit":                  "Modifier le texte",
	"review.subject":               "Objet",
	"review.body":                  "Message",
	"review.save":                  "Enregistrer",
	"review.approve":               "Approuver",
	"review.cancel":                "Annuler cette relance",
	"review.cancel.reason":         "Motif (facultatif)",
	"review.override":              "Envoyer avant la fin de l'attente",
	"review.override.reason":       "Motif (obligatoire, gardé dans l'historique)",
	"review.override.submit":       "Approuver maintenant",
	"review.override.goes":         "Approuvé maintenant, il part le %s (prochain créneau d'envoi).",
	"review.approved.at":           "Approuvé — part le %s",
	"review.goes.if":               "Une fois approuvé, part le %s",
	"review.sendnow":               "Envoyer tout de suite",
	"review.sendnow.hint":          "Part au prochain passage, sans attendre la fin de l'attente, l'écart minimal ni le créneau d'envoi. Le motif et votre nom sont gardés dans l'historique.",
	"review.sendnow.submit":        "Envoyer maintenant",
	"review.sendnow.asked":         "Envoi immédiat demandé — part au prochain passage",
	"review.until":                 "Pas de nouvelle relance pour cette facture…",
	"review.until.date":            "jusqu'au",
	"review.until.reply":           "jusqu'à ce que le client écrive",
	"review.until.never":           "plus jamais pour cette facture",
	"quiet.until.date":             "Pas de nouvelle relance avant le %s (relance annulée).",
	"quiet.until.reply":            "Pas de nouvelle relance avant que le client écrive (relance annulée).",
	"quiet.until.never":            "Plus aucune relance pour cette facture (relance annulée). Reprendre les relances lève cette décision.",
	"done.sendnow":                 "Envoi immédiat demandé : il part au prochain passage.",
	"err.sendnow":                  "Pour envoyer tout de suite, donnez un motif.",
	"err.until":                    "Jusqu'à quand ? Choisissez une date à venir, « jusqu'à ce que le client écrive » ou « plus jamais ».",
	"event.draft_send_now":         "Envoi immédiat demandé",
	"event.chasing_quiet":          "Pas de nouvelle relance",
	"event.chasing_quiet_lifted":   "Relances de nouveau permises",
	"event.client_kind_set":        "Client déclaré entreprise ou particulier",
	"event.handover_prepared":      "Dossier pour un tiers préparé",
	"handover.ladder_ended":        "délai de la mise en demeure passé sans paiement",
	"handover.hostile":             "réponse hostile du client",
	"handover.asked":               "à la demande du propriétaire",
	"clientkind.business":          "Entreprise",
	"clientkind.consumer":          "Particulier",
	"event.draft_edit_refused":     "Texte des Brouillons laissé de côté (destinataires ou factures différents)",
	"event.draft_foreign":          "Brouillon d'une autre installation laissé de côté",
	"review.formal":                "Mise en demeure : approbation explicite requise.",
	"flags.title":                  "Signalements",
	"flags.lead":                   "Réponses qui demandent un humain. La relance de ces factures est suspendue.",
	"flags.empty":                  "Aucun signalement ouvert.",
	"flags.all":                    "Voir aussi les signalements résolus",
	"flags.open":                   "Voir seulement les ouverts",
	"flags.evidence":               "Ce qui a déclenché le signalement",
	"flags.message":                "Message reçu",
	"flags.from":                   "De",
	"flags.subject":                "Objet",
	"flags.received":               "Reçu le",
	"flags.class":                  "Lecture",
	"flags.bounce.explain":         "La relance n'a pas pu être remise à l'adresse du client. Vérifiez cette adresse (faute de frappe, adresse fermée), corrigez-la ou appelez le client, puis relancez.",
	"flags.notext":                 "Le texte complet de la réponse reste dans votre boîte mail ; relance n'en garde que les phrases ci-dessus.",
	"flags.history":                "Historique du client",
	"flags.invoices":               "Factures du client",
	"flags.ack":                    "Marquer comme vu",
	"flags.resolve":                "Résoudre",
	"flags.note":                   "Note de résolution (obligatoire)",
	"flags.after":                  "Ensuite",
	"flags.after.keep":             "Laisser la facture en l'état",
	"flags.after.resume":           "Reprendre les relances",
	"flags.after.stop":             "Arrêter les relances",
	"flags.plan":                   "Proposer un échéancier",
	"flags.plan.soon":              "depuis la page de la facture.",
	"flags.sheet":                  "Fiche de préparation d'appel",
	"flags.resolved":               "Résolu le %s",
	"flags.open.since":             "Ouvert le %s",
	"inv.title":                    "Factures",
	"inv.lead":                     "Balance âgée de ce qui reste dû.",
	"inv.search":                   "Numéro ou client",
	"inv.search.go":                "Chercher",
	"inv.filter.all":               "Toutes les tranches",
	"inv.filter.cur":               "Toutes devises",
	"inv.filter.settled":           "Inclure les factures réglées",
	"inv.col.number":               "Facture",
	"inv.col.client":               "Client",
	"inv.col.due":                  "Échéance",
	"inv.col.late":                 "Retard",
	"inv.col.balance":              "Reste dû",
	"inv.col.state":                "État",
	"inv.col.currency":             "Devise",
	"inv.col.total":                "Total",
	"inv.late.days":                "%d j",
	"inv.late.none":                "à échoir",
	"inv.empty":                    "Aucune facture ne correspond.",
	"inv.more":                     "Suivantes",
	"inv.prev":                     "Précédentes",
	"inv.shown":                    "%d–%d sur %d",
	"inv.amount":                   "Montant",
	"inv.issued":                   "Émise le",
	"inv.timeline":                 "Chronologie",
	"inv.timeline.empty":           "Rien encore.",
	"inv.payments":                 "Paiements",
	"inv.pay":                      "Marquer comme payée",
	"inv.pay.amount":               "Montant reçu",
	"inv.pay.date":                 "Reçu le",
	"inv.pay.submit":               "Enregistrer le paiement",
	"inv.pay.hint":                 "Laissez le montant vide pour solder la facture.",
	"inv.chasing":                  "Relances",
	"inv.resume":                   "Reprendre les relances",
	"inv.stop":                     "Arrêter les relances",
	"inv.reason":                   "Motif",
	"inv.plan":                     "Échéancier",
	"inv.plan.instalments":         "Échéances convenues (une par ligne : date montant)",
	"inv.plan.hint":                "Une confirmation écrite de l'échéancier sera préparée, à relire comme toute relance.",
	"inv.plan.submit":              "Enregistrer l'échéancier",
	"err.plan":                     "Échéancier invalide : une échéance par ligne, AAAA-MM-JJ montant.",
	"done.plan":                    "Échéancier enregistré ; sa confirmation écrite est en préparation.",
	"inv.flags":                    "Signalements",
	"inv.back":                     "Toutes les factures",
	"sheet.title":                  "Préparation d'appel",
	"sheet.print":                  "Imprimer",
	"sheet.back":                   "Retour au signalement",
	"done.approved":                "Brouillon approuvé.",
	"done.cancelled":               "Relance annulée.",
	"done.edited":                  "Texte enregistré. Le contrôle de ton a été refait.",
	"done.acknowledged":            "Signalement marqué comme vu.",
	"done.resolved":                "Signalement résolu.",
	"done.paid":                    "Paiement enregistré.",
	"done.resumed":                 "Relances reprises.",
	"done.stopped":                 "Relances arrêtées.",
	"err.hold":                     "L'attente n'est pas terminée : pour approuver maintenant, donnez un motif.",
	"err.status":                   "Cet élément a changé entre-temps : rechargez la page.",
	"err.note":                     "Une note est nécessaire pour résoudre.",
	"err.amount":                   "Montant invalide.",
	"err.date":                     "Date invalide.",
	"err.empty":                    "L'objet et le message ne peuvent pas être vides.",
	"err.payment":                  "Ce paiement n'a pas pu être enregistré.",
	"err.notfound":                 "Introuvable.",
	"err.forbidden":                "Requête refusée : formulaire expiré ou d'une autre origine. Rechargez la page.",
	"err.internal":                 "Une erreur est survenue. Le détail est dans le journal du démon.",
	"state.open":                   "Ouverte",
	"state.promised":               "Paiement promis",
	"state.paid_claimed":           "Payée selon le client",
	"state.paid":                   "Payée",
	"state.disputed":               "Contestée",
	"state.on_hold":                "En pause",
	"state.plan":                   "Échéancier",
	"state.cancelled":              "Annulée",
	"state.written_off":            "Passée en perte",
	"stage.courtesy":               "Rappel avant échéance",
	"stage.friendly":               "Relance amicale",
	"stage.second":                 "Deuxième relance",
	"stage.call":                   "Appel",
	"stage.formal_notice":          "Mise en demeure",
	"stage.plan_confirmation":      "Confirmation d'échéancier",
	"stage.promise_confirmation":   "Confirmation de la date promise",
	"stage.instalment_reminder":    "Rappel d'échéance",
	"stage.thank_you":              "Remerciement",
	"correct.title":                "Corriger la lecture de cette réponse",
	"correct.as":                   "Cette réponse est :",
	"correct.promise":              "Date promise (pour une promesse)",
	"correct.submit":               "Enregistrer la correction",
	"done.corrected":               "Lecture corrigée : les réponses semblables seront lues de même.",
	"err.class":                    "Choisissez une lecture dans la liste.",
	"event.reading_corrected":      "Lecture corrigée",
	"kind.unsure":                  "Réponse à lire",
	"kind.smtp_failed":             "Envoi arrêté (serveur d'envoi)",
	"kind.drafts_folder_missing":   "Dossier Brouillons introuvable",
	"kind.dispute":                 "Contestation",
	"kind.grievance":               "Mécontentement",
	"kind.hardship":                "Difficultés",
	"kind.bounce":                  "Adresse en erreur",
	"kind.self_check":              "Facture à compléter",
	"kind.triage":                  "À rattacher",
	"kind.call":                    "Appel à passer",
	"kind.hand_off":                "À confier à un professionnel",
	"kind.handover":                "Dossier prêt pour un tiers",
	"kind.hostile":                 "Réponse hostile : tout contact suspendu",
	"flags.handover":               "Dossier pour un tiers",
	"flags.handover.lead":          "Préparé le %s : le dossier (PDF) et l'archive des originaux (factures, relances et réponses), à remettre au greffe, au Médiateur des entreprises, à une société de recouvrement ou à un avocat.",
	"flags.handover.pdf":           "Télécharger le dossier (PDF)",
	"flags.handover.zip":           "Télécharger les originaux (ZIP)",
	"kind.payment_check":           "Paiement à vérifier",
	"kind.broken_promise":          "Promesse non tenue",
	"kind.silence":                 "Silence inhabituel",
	"kind.slower":                  "Réponses plus lentes",
	"kind.partial":                 "Paiements partiels",
	"kind.suddenly_late":           "Retard inhabituel",
	"kind.plan_missed":             "Échéances manquées",
	"kind.send_failed":             "Envoi impossible",
	"kind.send_unconfirmed":        "Envoi à confirmer",
	"kind.overpayment":             "Trop-perçu",
	"kind.info_request":            "Question du client",
	"stage.answer":                 "Réponse au client",
	"note.promise_broken":          "Le règlement promis pour le %s n'est pas arrivé : le message rappelle cette promesse.",
	"note.open_call":               "L'appel au sujet de %s n'a pas encore de résultat noté ; la relance suit son calendrier.",
	"note.open_hand_off":           "%s attend d'être confiée à un professionnel du recouvrement.",
	"note.signal":                  "Signal sur %s : %s.",
	"note.question":                "Répond à la question du client du %s (demande : %s).",
	"note.no_pdf":                  "Aucun PDF de %s trouvé dans les Envoyés : joignez la copie vous-même.",
	"note.blank":                   "À compléter avant d'approuver : %s.",
	"topic.bank_details":           "coordonnées bancaires",
	"topic.invoice_copy":           "copie de la facture",
	"topic.po_number":              "numéro de bon de commande",
	"topic.chorus_pro":             "dépôt sur Chorus Pro",
	"topic.address":                "coordonnées de facturation",
	"topic.unknown":                "non reconnue",
	"blank.iban":                   "IBAN et BIC (RELANCE_BUSINESS_IBAN n'est pas renseigné)",
	"blank.copy":                   "la copie de la facture",
	"blank.po":                     "le numéro de bon de commande",
	"blank.chorus":                 "la date du dépôt sur Chorus Pro",
	"blank.address":                "les coordonnées de facturation (la facture corrigée)",
	"blank.answer":                 "la réponse elle-même (la question n'a pas été reconnue)",
	"review.notes":                 "À savoir",
	"task.title":                   "Résultat",
	"task.lead":                    "Notez ce qui s'est passé : la relance reprend à partir de là.",
	"task.outcome":                 "Résultat",
	"task.promise_date":            "Date promise",
	"task.instalments":             "Échéances (AAAA-MM-JJ:montant ; …)",
	"task.note":                    "Note",
	"task.save":                    "Enregistrer le résultat",
	"outcome.reached":              "Client joint",
	"outcome.promise":              "Promesse de paiement à une date",
	"outcome.plan":                 "Échéancier convenu",
	"outcome.dispute":              "Contestation",
	"outcome.no_answer":            "Pas de réponse",
	"outcome.handed_off":           "Dossier confié à un professionnel",
	"outcome.answered":             "Répondu autrement (téléphone, courrier)",
	"err.outcome":                  "Ce résultat demande une date (promesse) ou des échéances (échéancier) valides.",
	"fstatus.open":                 "Ouvert",
	"fstatus.acknowledged":         "Vu",
	"fstatus.resolved":             "Résolu",
	"class.paid":                   "paiement annoncé",
	"class.promise":                "promesse de paiement",
	"class.dispute":                "contestation",
	"class.grievance":              "mécontentement",
	"class.hardship":               "difficultés",
	"class.info_request":           "demande d'information",
	"class.auto_reply":             "réponse automatique",
	"class.bounce":                 "non distribué",
	"class.other":                  "autre",
	"bucket.current":               "À échoir",
	"bucket.1-30":                  "1–30 j",
	"bucket.31-60":                 "31–60 j",
	"bucket.61-90":                 "61–90 j",
	"bucket.90+":                   "+ de 90 j",
	"event.invoice_discovered":     "Facture envoyée",
	"event.invoice_resent":         "Facture renvoyée",
	"event.credit_note_discovered": "Avoir envoyé",
	"event.reply_received":         "Réponse reçue",
	"event.state_changed":          "Changement d'état",
	"event.draft_held":             "Relance préparée",
	"event.draft_edited":           "Relance modifiée",
	"event.draft_rewritten":        "Mise en demeure datée du jour de son envoi",
	"notice.dated":                 "Datée du",
	"notice.deadline":              "Délai de paiement jusqu'au",
	"event.draft_approved":         "Relance approuvée",
	"event.draft_cancelled":        "Relance annulée",
	"event.draft_superseded":       "Relance retirée",
	"event.draft_sent":             "Relance envoyée",
	"event.reminder_sent":          "Relance envoyée",
	"event.answer_sent":            "Réponse envoyée",
	"event.task_outcome":           "Résultat de tâche noté",
	"event.send_failed":            "Échec d'envoi",
	"event.send_unconfirmed":       "Envoi à confirmer",
	"event.payment_recorded":       "Paiement enregistré",
	"event.invoice_paid":           "Facture soldée",
	"event.flag_acknowledged":      "Signalement vu",
	"event.flag_resolved":          "Signalement résolu",
	"event.chasing_resumed":        "Relances reprises",
	"event.chasing_stopped":        "Relances arrêtées",
	"draftstatus.held":             "En attente",
	"draftstatus.approved":         "Approuvé",
	"actor.daemon":                 "relance",
	"actor.web":                    "vous (page)",
	"actor.cli":                    "vous (ligne de commande)",
	"actor.imap":                   "vous (messagerie)",

	// Objections: what a reply raised, its answer, the owner's correction.
	"kind.objection":                    "Objection du client",
	"note.objection":                    "Répond à l'objection du client : %s.",
	"blank.balance_date":                "la date du solde proposée",
	"blank.visit_date":                  "la date de la visite proposée",
	"blank.detail":                      "le détail du montant, ou l'avoir",
	"event.objection_set":               "Objection du client corrigée",
	"objection.label":                   "Objection",
	"objection.cheque_in_post":          "chèque envoyé",
	"objection.oversight":               "oubli",
	"objection.client_not_paid":         "son propre client ne l'a pas payé",
	"objection.goods_returned":          "marchandise renvoyée",
	"objection.progress_payment_defect": "malfaçon sur une situation de travaux",
	"objection.not_received":            "facture jamais reçue",
	"objection.wrong_amount":            "montant contesté",
	"objection.awaiting_approval":       "en attente de validation ou de bon de commande",
	"objection.none.read":               "Aucune objection lue dans cette réponse.",
	"objection.answer":                  "Réponse préparée",
	"objection.answer.none":             "La réponse sera préparée au prochain passage.",
	"objection.change":                  "Corriger l'objection",
	"err.objection":                     "Choisissez une des objections proposées.",
	"done.objection_set":                "Objection corrigée : la réponse est préparée de nouveau.",
	"event.client_kind_guessed":         "Type de client deviné d'après une facture",
	"event.client_phone_added":          "Numéro de téléphone ajouté",
	"event.client_phone_removed":        "Numéro de téléphone retiré",
	"event.client_file_set":             "Fiche client modifiée",
	"nav.clients":                       "Clients",
	"cl.title":                          "Clients",
	"cl.lead":                           "Chaque client, son type, sa façon de payer et ce qu'il doit aujourd'hui.",
	"cl.empty":                          "Aucun client pour l'instant.",
	"cl.back":                           "← Tous les clients",
	"cl.col.client":                     "Client",
	"cl.col.kind":                       "Type",
	"cl.col.segment":                    "Profil",
	"cl.col.invoices":                   "Factures",
	"cl.col.overdue":                    "En retard",
	"cl.col.state":                      "État",
	"cl.kind":                           "Entreprise ou particulier",
	"cl.kind.confirmed":                 "confirmé",
	"cl.kind.guess":                     "deviné",
	"cl.kind.default":                   "par défaut",
	"cl.kind.why":                       "Indice lu sur la facture",
	"cl.kind.confirm":                   "Ce type n'est qu'une supposition tant que vous ne l'avez pas confirmé. En attendant, un client supposé particulier est traité comme tel : aucune pénalité ni indemnité de 40 € ne lui est réclamée.",
	"cl.kind.hint":                      "Un particulier ne doit ni les pénalités de l'article L441-10 ni l'indemnité forfaitaire de 40 €.",
	"cl.kind.save":                      "Enregistrer",
	"cl.kind.confirm.button":            "Confirmer",
	"cl.overdue":                        "En retard",
	"cl.notbefore.active":               "Aucune relance, aucun appel ni mise en demeure avant le %s, à votre demande.",
	"cl.scorecard":                      "Comment ce client paie",
	"cl.sc.invoices":                    "Factures",
	"cl.sc.median":                      "Retard médian",
	"cl.sc.worst":                       "Pire retard",
	"cl.sc.days":                        "%v j",
	"cl.sc.reminders":                   "Relances envoyées",
	"cl.sc.perinvoice":                  "facture",
	"cl.sc.promises":                    "Promesses",
	"cl.sc.promises.v":                  "%d tenues, %d non tenues",
	"cl.sc.disputes":                    "Contestations",
	"cl.sc.tone":                        "Ton des dernières réponses",
	"cl.advice":                         "Conseils pour la prochaine commande",
	"flags.client":                      "Le client",
	"flags.client.page":                 "Fiche client",
	"cl.advice.none":                    "Rien à changer : ce client paie comme convenu.",
	"cl.invoices":                       "Factures",
	"cl.invoices.none":                  "Aucune facture.",
	"cl.history":                        "Historique complet",
	"cl.contacts":                       "Coordonnées",
	"cl.emails":                         "Adresses e-mail",
	"cl.phones":                         "Téléphones",
	"cl.phones.none":                    "Aucun numéro connu.",
	"cl.phone.remove":                   "Retirer",
	"cl.phone.add":                      "Ajouter un numéro",
	"cl.phone.add.button":               "Ajouter",
	"cl.file":                           "Fiche",
	"cl.address":                        "Adresse postale",
	"cl.address.invoice":                "Lue sur la dernière facture ; la vôtre la remplacera et ne sera plus écrasée.",
	"cl.notbefore":                      "Ne pas relancer avant le",
	"cl.notbefore.hint":                 "Laisser vide pour reprendre normalement. Les réponses à ses questions partent quand même.",
	"cl.notes":                          "Notes",
	"cl.file.save":                      "Enregistrer la fiche",
	"cl.err.phone":                      "Ce numéro n'est pas lisible : écrivez-le comme 06 12 34 56 78, 0161 496 0000 ou +44 20 7946 0958.",
	"cl.err.nophone":                    "Ce client n'a pas ce numéro.",
	"cl.err.kind":                       "Choisissez entreprise ou particulier.",
	"cl.err.date":                       "La date n'est pas lisible (AAAA-MM-JJ).",
	"cl.client":                         "Fiche client",
	"done.client_kind":                  "Type du client enregistré.",
	"done.client_file":                  "Fiche client enregistrée.",
	"contactkind.phone":                 "fixe",
	"contactkind.mobile":                "mobile",
	"contactkind.fax":                   "fax",
	"contactsource.invoice":             "lu sur une facture",
	"contactsource.signature":           "lu dans sa signature",
	"contactsource.owner":               "saisi par vous",
	"tone.cordial":                      "cordial",
	"tone.neutral":                      "neutre",
	"tone.tense":                        "tendu",
	"tone.hostile":                      "hostile",
	"segment.new":                       "Nouveau client",
	"segment.regular":                   "Client régulier",
	"sheet.phones":                      "Numéros à appeler",
	"sheet.phones.none":                 "Aucun numéro connu.",
	"sheet.phones.add":                  "Ajouter un numéro sur la fiche du client",
	"sheet.fax":                         "Fax (ne pas appeler)",
	"sheet.goal":                        "But de cet appel",
	"sheet.next":                        "Pour la prochaine commande :",
	"sheet.invoices":                    "Factures dues, dates et relances",
	"sheet.invoices.none":               "Plus rien n'est dû.",
	"sheet.of":                          "sur",
	"sheet.issued":                      "facture du",
	"sheet.ordered":                     "commande du",
	"sheet.delivered":                   "livraison le",
	"sheet.due":                         "échéance le",
	"sheet.payments":                    "Historique de paiement",
	"sheet.payments.none":               "Aucun paiement reçu, aucune promesse.",
	"sheet.promise":                     "Le %s, promesse de payer le %s",
	"sheet.complaints":                  "Réclamations et contestations",
	"sheet.complaints.none":             "Aucune réclamation connue.",
	"sheet.resolution":                  "Réglée",
	"sheet.objections":                  "Objections déjà soulevées, et la réponse",
	"sheet.objections.none":             "Aucune objection relevée dans ses réponses.",
	"sheet.questions":                   "Questions à poser",
	"sheet.q.when":                      "Quand pensez-vous pouvoir régler ?",
	"sheet.q.how":                       "Par quel moyen : virement, chèque, carte ?",
	"sheet.q.callback":                  "Puis-je vous rappeler la semaine prochaine pour faire le point ?",
	"sheet.prepared":                    "Fiche préparée le %s",
	"sheet.outcome.lead":                "Après l'appel, notez ce qui a été convenu : un échéancier prépare sa confirmation écrite, à relire avant envoi.",
	"objection.answer.cheque_in_post":   "Demander le numéro du chèque, son montant et sa date d'envoi.",
	"objection.answer.oversight":        "Cela arrive : demander la date exacte du virement.",
	"objection.answer.client_not_paid":  "Proposer une partie maintenant et le solde à une date fixée ensemble.",
	"objection.answer.goods_returned":   "Demander pourquoi, quand et par quel transporteur.",
	"objection.answer.progress_payment_defect": "Une situation de travaux marque l'avancement, pas la réception : proposer une visite datée pour le défaut et le paiement de la partie non contestée.",
	"objection.answer.not_received":            "Renvoyer la facture et vérifier la bonne adresse.",
	"objection.answer.wrong_amount":            "Reprendre le détail ligne à ligne, ou proposer un avoir.",
	"objection.answer.awaiting_approval":       "Demander qui valide, pour quand, et le numéro de bon de commande.",
}

var messagesEN = map[string]string{
	"event.manual_reminder":        "Reminder written by hand",
	"event.manual_contact":         "Mail written by hand",
	"tl.level":                     "Level",
	"nav.rejected":                 "Documents set aside",
	"rej.title":                    "Documents set aside",
	"rej.lead":                     "Sent mails that looked like invoices but are not ours to collect: suppliers' invoices forwarded to the accountant, pro formas, quotes, order confirmations, receipts, our own reminders. If relance was wrong, adopt the document: it becomes a followed invoice.",
	"rej.none":                     "No document set aside.",
	"rej.col.date":                 "Sent on",
	"rej.col.subject":              "Subject",
	"rej.col.reason":               "Reason",
	"rej.col.facts":                "What was read",
	"rej.adopt":                    "Adopt as an invoice",
	"rej.adopted":                  "Adopted: invoice %s",
	"rej.err":                      "This document can no longer be adopted (adopted already?).",
	"rej.link":                     "See the documents set aside",
	"done.adopted":                 "Document adopted: it is now a followed invoice.",
	"event.document_adopted":       "Document adopted as an invoice",
	"tl.route":                     "Tied by",
	"tl.unknown":                   "unknown address",
	"route.references":             "a reply in the thread of one of our mails",
	"route.number":                 "the invoice number it cites",
	"route.amount":                 "the amount it cites",
	"route.sender":                 "the client's address",
	"route.domain":                 "another address at the client's domain",
	"kind.unknown_sender":          "Unknown address",
	"kind.partial_claim":           "Partial payment announced",
	"rejected.not_ours":            "not ours (a supplier's invoice)",
	"rejected.proforma":            "pro forma",
	"rejected.quote":               "quote",
	"rejected.order_confirmation":  "order confirmation",
	"rejected.receipt":             "payment receipt",
	"rejected.own_reminder":        "one of our reminders",
	"rejected.reply":               "reply without a document",
	"rejected.no_facts":            "neither number nor amount",
	"rejected.other_document":      "another type of document",
	"app.tagline":                  "Your invoices, chased calmly.",
	"nav.overview":                 "Overview",
	"nav.review":                   "To review",
	"nav.flags":                    "Flags",
	"nav.invoices":                 "Invoices",
	"nav.logout":                   "Sign out",
	"nav.lang":                     "Français",
	"nav.lang.code":                "fr",
	"nav.skip":                     "Skip to content",
	"login.title":                  "Sign in",
	"login.lead":                   "This page is protected. Enter the access token (RELANCE_HTTP_TOKEN).",
	"login.token":                  "Access token",
	"login.submit":                 "Sign in",
	"login.bad":                    "That token is not the right one.",
	"login.lead.accounts":          "This page is protected. Enter your login and password.",
	"login.login":                  "Login",
	"login.password":               "Password",
	"login.bad.accounts":           "Wrong login or password.",
	"login.token.hint":             "Operator: leave the login empty and enter the access token as the password.",
	"who.as":                       "Signed in: %s",
	"role.owner":                   "owner",
	"role.staff":                   "staff",
	"role.admin":                   "administrator",
	"role.operator":                "operator (token)",
	"ov.title":                     "Overview",
	"site.title":                   "All mailboxes",
	"site.lead":                    "One row per mailbox: what is overdue, what waits for a decision, and the last sync.",
	"site.search":                  "Filter by name",
	"site.filter":                  "Filter",
	"site.shown":                   "%d of %d",
	"site.col.mailbox":             "Mailbox",
	"site.col.connection":          "Connection",
	"site.failed":                  "Figures unavailable for now (see the log).",
	"site.none":                    "No mailbox matches.",
	"site.mailbox":                 "Mailbox",
	"site.switch":                  "Switch mailbox",
	"site.all":                     "All mailboxes",
	"ov.overdue":                   "Overdue",
	"ov.overdue.none":              "No overdue invoice.",
	"ov.rates":                     "ECB rate of late-payment penalties: table checked on %s (%d days ago).",
	"ov.rates.stale":               "ECB rate of late-payment penalties: table checked on %s (%d days ago), before the half-year that began on %s; penalties may use an outdated rate. Extend penalties.ecb_rates and ecb_rates_checked_on in the policy file.",
	"ov.rates.unknown":             "ECB rate of late-payment penalties: the table's check date is unknown (penalties.ecb_rates_checked_on).",
	"ov.outstanding":               "Total outstanding",
	"ov.count.one":                 "%d invoice",
	"ov.count.other":               "%d invoices",
	"ov.drafts":                    "Drafts to review",
	"ov.drafts.ready.one":          "%d ready to go",
	"ov.drafts.ready.other":        "%d ready to go",
	"ov.flags":                     "Open flags",
	"ov.flags.seen.one":            "%d already seen",
	"ov.flags.seen.other":          "%d already seen",
	"ov.mailbox":                   "Mailbox",
	"ov.mailbox.up":                "Connected",
	"ov.mailbox.down":              "Disconnected",
	"ov.mailbox.unk":               "Status unknown",
	"ov.mailbox.sync":              "Last sync %s",
	"ov.mailbox.never":             "Not synced yet",
	"ov.scan":                      "Reading %s: %s of %s messages",
	"ov.scan.rate":                 "%s messages a second, about %s to go (%s so far)",
	"ov.scan.starting":             "measuring the pace… (%s so far)",
	"ov.money":                     "How payments are coming in",
	"ov.dso":                       "Days sales outstanding (DSO)",
	"ov.dso.days.one":              "%d day",
	"ov.dso.days.other":            "%d days",
	"ov.dso.how":                   "%s owed ÷ %s billed over the last %d days × %d.",
	"ov.aging":                     "Outstanding by age",
	"ov.aging.total":               "Total",
	"ov.trend":                     "Amount overdue, week by week (%s)",
	"ov.trend.how":                 "Rebuilt from the invoices' and payments' dates, over 12 weeks.",
	"ov.debtors":                   "Largest debtors",
	"ov.debtors.late.one":          "%d day late",
	"ov.debtors.late.other":        "%d days late",
	"ov.debtors.overdue":           "%s overdue",
	"ov.watch":                     "Clients to watch",
	"payer.chronic":                "late by habit",
	"payer.occasional":             "late now and then",
	"payer.punctual":               "pays on time",
	"payer.unknown":                "no history yet",
	"ov.next":                      "What needs you now",
	"ov.next.review":               "Review the drafts",
	"ov.next.flags":                "Handle the flags",
	"ov.next.calm":                 "Nothing is waiting for you. Have a good day.",
	"ov.see":                       "See",
	"review.title":                 "To review",
	"review.lead":                  "Every reminder waits until the next business day. Reread, edit, approve.",
	"review.empty":                 "No draft is waiting.",
	"review.to":                    "To",
	"review.invoices":              "Invoices",
	"review.stage":                 "Stage",
	"review.hold":                  "Held for another %s",
	"review.hold.over":             "Hold ended %s ago",
	"review.approved":              "Approved — goes out in the next send window",
	"review.warnings":              "Tone to check",
	"review.calm":                  "Calm tone: nothing to report.",
	"review.edit":                  "Edit the text",
	"review.subject":               "Subject",
	"review.body":                  "Message",
	"review.save":                  "Save",
	"review.approve":               "Approve",
	"review.cancel":                "Cancel this reminder",
	"review.cancel.reason":         "Reason (optional)",
	"review.override":              "Send before the hold ends",
	"review.override.reason":       "Reason (required, kept in the history)",
	"review.override.submit":       "Approve now",
	"review.override.goes":         "Approved now, it goes on %s (the next send slot).",
	"review.approved.at":           "Approved — goes on %s",
	"review.goes.if":               "Once approved, goes on %s",
	"review.sendnow":               "Send right away",
	"review.sendnow.hint":          "Goes at the next pass, without waiting for the hold, the minimum gap or the send window. The reason and your name are kept in the history.",
	"review.sendnow.submit":        "Send now",
	"review.sendnow.asked":         "Send now asked — goes at the next pass",
	"review.until":                 "No new reminder for this invoice…",
	"review.until.date":            "until",
	"review.until.reply":           "until the client writes",
	"review.until.never":           "never again for this invoice",
	"quiet.until.date":             "No new reminder before %s (a reminder was cancelled).",
	"quiet.until.reply":            "No new reminder until the client writes (a reminder was cancelled).",
	"quiet.until.never":            "No reminder ever again for this invoice (a reminder was cancelled). Resuming chasing lifts this decision.",
	"done.sendnow":                 "Send now asked: it goes at the next pass.",
	"err.sendnow":                  "To send right away, give a reason.",
	"err.until":                    "Until when? Choose a date to come, \"until the client writes\" or \"never\".",
	"event.draft_send_now":         "Send now asked",
	"event.chasing_quiet":          "No new reminder",
	"event.chasing_quiet_lifted":   "Reminders allowed again",
	"event.client_kind_set":        "Client marked as business or consumer",
	"event.handover_prepared":      "File for a third party prepared",
	"handover.ladder_ended":        "the formal notice's deadline passed unpaid",
	"handover.hostile":             "the client's reply turned hostile",
	"handover.asked":               "at the owner's request",
	"clientkind.business":          "Business",
	"clientkind.consumer":          "Consumer",
	"event.draft_edit_refused":     "Text in Drafts left alone (other recipients or invoices)",
	"event.draft_foreign":          "Another installation's draft left alone",
	"review.formal":                "Formal notice: explicit approval required.",
	"flags.title":                  "Flags",
	"flags.lead":                   "Replies that need a human. Chasing of these invoices is paused.",
	"flags.empty":                  "No open flag.",
	"flags.all":                    "Show resolved flags too",
	"flags.open":                   "Show open flags only",
	"flags.evidence":               "What raised the flag",
	"flags.message":                "Message received",
	"flags.from":                   "From",
	"flags.subject":                "Subject",
	"flags.received":               "Received",
	"flags.class":                  "Read as",
	"flags.bounce.explain":         "The reminder could not be delivered to the client's address. Check that address (a typo, a closed mailbox), correct it or call the client, then send again.",
	"flags.notext":                 "The full reply stays in your mailbox; relance keeps only the sentences above.",
	"flags.history":                "Client history",
	"flags.invoices":               "Client's invoices",
	"flags.ack":                    "Mark as seen",
	"flags.resolve":                "Resolve",
	"flags.note":                   "Resolution note (required)",
	"flags.after":                  "Then",
	"flags.after.keep":             "Leave the invoice as it is",
	"flags.after.resume":           "Resume chasing",
	"flags.after.stop":             "Stop chasing",
	"flags.plan":                   "Offer a payment plan",
	"flags.plan.soon":              "from the invoice's page.",
	"flags.sheet":                  "Call preparation sheet",
	"flags.resolved":               "Resolved on %s",
	"flags.open.since":             "Opened on %s",
	"inv.title":                    "Invoices",
	"inv.lead":                     "Aged balance of what is still owed.",
	"inv.search":                   "Number or client",
	"inv.search.go":                "Search",
	"inv.filter.all":               "All ages",
	"inv.filter.cur":               "All currencies",
	"inv.filter.settled":           "Include settled invoices",
	"inv.col.number":               "Invoice",
	"inv.col.client":               "Client",
	"inv.col.due":                  "Due",
	"inv.col.late":                 "Late",
	"inv.col.balance":              "Balance",
	"inv.col.state":                "State",
	"inv.col.currency":             "Currency",
	"inv.col.total":                "Total",
	"inv.late.days":                "%d d",
	"inv.late.none":                "not due",
	"inv.empty":                    "No invoice matches.",
	"inv.more":                     "Next",
	"inv.prev":                     "Previous",
	"inv.shown":                    "%d–%d of %d",
	"inv.amount":                   "Amount",
	"inv.issued":                   "Issued",
	"inv.timeline":                 "Timeline",
	"inv.timeline.empty":           "Nothing yet.",
	"inv.payments":                 "Payments",
	"inv.pay":                      "Mark as paid",
	"inv.pay.amount":               "Amount received",
	"inv.pay.date":                 "Received on",
	"inv.pay.submit":               "Record the payment",
	"inv.pay.hint":                 "Leave the amount empty to settle the invoice.",
	"inv.chasing":                  "Chasing",
	"inv.resume":                   "Resume chasing",
	"inv.stop":                     "Stop chasing",
	"inv.reason":                   "Reason",
	"inv.plan":                     "Payment plan",
	"inv.plan.instalments":         "Agreed instalments (one per line: date amount)",
	"inv.plan.hint":                "A written confirmation of the plan will be drafted, to reread like every reminder.",
	"inv.plan.submit":              "Record the plan",
	"err.plan":                     "Invalid plan: one instalment per line, YYYY-MM-DD amount.",
	"done.plan":                    "Plan recorded; its written confirmation is being drafted.",
	"inv.flags":                    "Flags",
	"inv.back":                     "All invoices",
	"sheet.title":                  "Call preparation",
	"sheet.print":                  "Print",
	"sheet.back":                   "Back to the flag",
	"done.approved":                "Draft approved.",
	"done.cancelled":               "Reminder cancelled.",
	"done.edited":                  "Text saved. The tone check ran again.",
	"done.acknowledged":            "Flag marked as seen.",
	"done.resolved":                "Flag resolved.",
	"done.paid":                    "Payment recorded.",
	"done.resumed":                 "Chasing resumed.",
	"done.stopped":                 "Chasing stopped.",
	"err.hold":                     "The hold has not ended: to approve now, give a reason.",
	"err.status":                   "This changed in the meantime: reload the page.",
	"err.note":                     "A note is needed to resolve.",
	"err.amount":                   "Invalid amount.",
	"err.date":                     "Invalid date.",
	"err.empty":                    "Subject and message cannot be empty.",
	"err.payment":                  "This payment could not be recorded.",
	"err.notfound":                 "Not found.",
	"err.forbidden":                "Request refused: the form expired or came from elsewhere. Reload the page.",
	"err.internal":                 "Something went wrong. The details are in the daemon's log.",
	"state.open":                   "Open",
	"state.promised":               "Payment promised",
	"state.paid_claimed":           "Paid, says the client",
	"state.paid":                   "Paid",
	"state.disputed":               "Disputed",
	"state.on_hold":                "On hold",
	"state.plan":                   "Payment plan",
	"state.cancelled":              "Cancelled",
	"state.written_off":            "Written off",
	"stage.courtesy":               "Courtesy notice",
	"stage.friendly":               "Friendly reminder",
	"stage.second":                 "Second reminder",
	"stage.call":                   "Call",
	"stage.formal_notice":          "Formal notice",
	"stage.plan_confirmation":      "Plan confirmation",
	"stage.promise_confirmation":   "Promised date confirmation",
	"stage.instalment_reminder":    "Instalment reminder",
	"stage.thank_you":              "Thank you",
	"correct.title":                "Correct how this reply was read",
	"correct.as":                   "This reply is:",
	"correct.promise":              "Promised date (for a promise)",
	"correct.submit":               "Save the correction",
	"done.corrected":               "Reading corrected: similar replies will be read the same way.",
	"err.class":                    "Choose a reading from the list.",
	"event.reading_corrected":      "Reading corrected",
	"kind.unsure":                  "Reply to read",
	"kind.smtp_failed":             "Sending stopped (outgoing server)",
	"kind.drafts_folder_missing":   "No Drafts folder",
	"kind.dispute":                 "Dispute",
	"kind.grievance":               "Grievance",
	"kind.hardship":                "Hardship",
	"kind.bounce":                  "Bounced address",
	"kind.self_check":              "Invoice to complete",
	"kind.triage":                  "To attach",
	"kind.call":                    "Call to make",
	"kind.hand_off":                "Hand to a professional",
	"kind.handover":                "File ready for a third party",
	"kind.hostile":                 "Hostile reply: every contact stopped",
	"flags.handover":               "File for a third party",
	"flags.handover.lead":          "Prepared on %s: the file (PDF) and the archive of the originals (invoices, reminders and replies), to hand to the court clerk, the Médiateur des entreprises, a collection agency or a lawyer.",
	"flags.handover.pdf":           "Download the file (PDF)",
	"flags.handover.zip":           "Download the originals (ZIP)",
	"kind.payment_check":           "Payment to check",
	"kind.broken_promise":          "Broken promise",
	"kind.silence":                 "Unusual silence",
	"kind.slower":                  "Slower answers",
	"kind.partial":                 "Partial payments",
	"kind.suddenly_late":           "Unusually late",
	"kind.plan_missed":             "Missed instalments",
	"kind.send_failed":             "Could not send",
	"kind.send_unconfirmed":        "Send to confirm",
	"kind.overpayment":             "Overpayment",
	"kind.info_request":            "Client's question",
	"stage.answer":                 "Answer to the client",
	"note.promise_broken":          "The payment promised for %s has not arrived: the message refers to the promise.",
	"note.open_call":               "The call about %s has no outcome logged yet; the reminders keep to their schedule.",
	"note.open_hand_off":           "%s is waiting to be handed to a collection professional.",
	"note.signal":                  "Signal on %s: %s.",
	"note.question":                "Answers the client's question of %s (asked for: %s).",
	"note.no_pdf":                  "No PDF of %s was found in Sent: attach the copy yourself.",
	"note.blank":                   "To fill in before approving: %s.",
	"topic.bank_details":           "bank details",
	"topic.invoice_copy":           "a copy of the invoice",
	"topic.po_number":              "the purchase order number",
	"topic.chorus_pro":             "the Chorus Pro upload",
	"topic.address":                "billing details",
	"topic.unknown":                "not recognised",
	"blank.iban":                   "IBAN and BIC (RELANCE_BUSINESS_IBAN is not set)",
	"blank.copy":                   "the copy of the invoice",
	"blank.po":                     "the purchase order number",
	"blank.chorus":                 "the date of the Chorus Pro upload",
	"blank.address":                "the billing details (the corrected invoice)",
	"blank.answer":                 "the answer itself (the question was not recognised)",
	"review.notes":                 "Good to know",
	"task.title":                   "Outcome",
	"task.lead":                    "Note what happened: the reminders carry on from there.",
	"task.outcome":                 "Outcome",
	"task.promise_date":            "Promised date",
	"task.instalments":             "Instalments (YYYY-MM-DD:amount; …)",
	"task.note":                    "Note",
	"task.save":                    "Save the outcome",
	"outcome.reached":              "Reached the client",
	"outcome.promise":              "Promised to pay by a date",
	"outcome.plan":                 "Payment plan agreed",
	"outcome.dispute":              "Dispute",
	"outcome.no_answer":            "No answer",
	"outcome.handed_off":           "Handed to a professional",
	"outcome.answered":             "Answered another way (phone, post)",
	"err.outcome":                  "This outcome needs a valid date (promise) or instalments (plan).",
	"fstatus.open":                 "Open",
	"fstatus.acknowledged":         "Seen",
	"fstatus.resolved":             "Resolved",
	"class.paid":                   "payment announced",
	"class.promise":                "promise to pay",
	"class.dispute":                "dispute",
	"class.grievance":              "grievance",
	"class.hardship":               "hardship",
	"class.info_request":           "information request",
	"class.auto_reply":             "automatic reply",
	"class.bounce":                 "undelivered",
	"class.other":                  "other",
	"bucket.current":               "Not due",
	"bucket.1-30":                  "1–30 d",
	"bucket.31-60":                 "31–60 d",
	"bucket.61-90":                 "61–90 d",
	"bucket.90+":                   "90+ d",
	"event.invoice_discovered":     "Invoice sent",
	"event.invoice_resent":         "Invoice sent again",
	"event.credit_note_discovered": "Credit note sent",
	"event.reply_received":         "Reply received",
	"event.state_changed":          "State changed",
	"event.draft_held":             "Reminder prepared",
	"event.draft_edited":           "Reminder edited",
	"event.draft_rewritten":        "Formal notice dated for the day it goes",
	"notice.dated":                 "Dated",
	"notice.deadline":              "Pay by",
	"event.draft_approved":         "Reminder approved",
	"event.draft_cancelled":        "Reminder cancelled",
	"event.draft_superseded":       "Reminder withdrawn",
	"event.draft_sent":             "Reminder sent",
	"event.reminder_sent":          "Reminder sent",
	"event.answer_sent":            "Answer sent",
	"event.task_outcome":           "Task outcome logged",
	"event.send_failed":            "Sending failed",
	"event.send_unconfirmed":       "Sending to confirm",
	"event.payment_recorded":       "Payment recorded",
	"event.invoice_paid":           "Invoice settled",
	"event.flag_acknowledged":      "Flag seen",
	"event.flag_resolved":          "Flag resolved",
	"event.chasing_resumed":        "Chasing resumed",
	"event.chasing_stopped":        "Chasing stopped",
	"draftstatus.held":             "Held",
	"draftstatus.approved":         "Approved",
	"actor.daemon":                 "relance",
	"actor.web":                    "you (page)",
	"actor.cli":                    "you (command line)",
	"actor.imap":                   "you (mail client)",

	// Objections: what a reply raised, its answer, the owner's correction.
	"kind.objection":                    "Client's objection",
	"note.objection":                    "Answers the client's objection: %s.",
	"blank.balance_date":                "the date proposed for the balance",
	"blank.visit_date":                  "the date proposed for the visit",
	"blank.detail":                      "the detail of the amount, or the credit note",
	"event.objection_set":               "Client's objection corrected",
	"objection.label":                   "Objection",
	"objection.cheque_in_post":          "cheque sent",
	"objection.oversight":               "oversight",
	"objection.client_not_paid":         "their own client has not paid them",
	"objection.goods_returned":          "goods sent back",
	"objection.progress_payment_defect": "defect on a progress payment",
	"objection.not_received":            "invoice never received",
	"objection.wrong_amount":            "amount disputed",
	"objection.awaiting_approval":       "waiting for approval or a purchase order",
	"objection.none.read":               "No objection read in this reply.",
	"objection.answer":                  "Answer prepared",
	"objection.answer.none":             "The answer will be prepared at the next pass.",
	"objection.change":                  "Correct the objection",
	"err.objection":                     "Choose one of the objections offered.",
	"done.objection_set":                "Objection corrected: the answer is prepared again.",
	"event.client_kind_guessed":         "Client kind guessed from an invoice",
	"event.client_phone_added":          "Phone number added",
	"event.client_phone_removed":        "Phone number removed",
	"event.client_file_set":             "Client file changed",
	"nav.clients":                       "Clients",
	"cl.title":                          "Clients",
	"cl.lead":                           "Each client, its kind, how it pays and what it owes today.",
	"cl.empty":                          "No client yet.",
	"cl.back":                           "← All clients",
	"cl.col.client":                     "Client",
	"cl.col.kind":                       "Kind",
	"cl.col.segment":                    "Profile",
	"cl.col.invoices":                   "Invoices",
	"cl.col.overdue":                    "Overdue",
	"cl.col.state":                      "State",
	"cl.kind":                           "Business or consumer",
	"cl.kind.confirmed":                 "confirmed",
	"cl.kind.guess":                     "guessed",
	"cl.kind.default":                   "default",
	"cl.kind.why":                       "Sign read on the invoice",
	"cl.kind.confirm":                   "This kind is only a guess until you confirm it. Meanwhile a client guessed to be a consumer is treated as one: no penalties and no 40 € indemnity are claimed.",
	"cl.kind.hint":                      "A consumer owes neither the L441-10 late penalties nor the 40 € recovery indemnity.",
	"cl.kind.save":                      "Save",
	"cl.kind.confirm.button":            "Confirm",
	"cl.overdue":                        "Overdue",
	"cl.notbefore.active":               "No reminder, call or formal notice before %s, as you asked.",
	"cl.scorecard":                      "How this client pays",
	"cl.sc.invoices":                    "Invoices",
	"cl.sc.median":                      "Median days late",
	"cl.sc.worst":                       "Worst days late",
	"cl.sc.days":                        "%v d",
	"cl.sc.reminders":                   "Reminders sent",
	"cl.sc.perinvoice":                  "invoice",
	"cl.sc.promises":                    "Promises",
	"cl.sc.promises.v":                  "%d kept, %d broken",
	"cl.sc.disputes":                    "Disputes",
	"cl.sc.tone":                        "Tone of recent replies",
	"cl.advice":                         "Advice for the next order",
	"flags.client":                      "The client",
	"flags.client.page":                 "Client page",
	"cl.advice.none":                    "Nothing to change: this client pays as agreed.",
	"cl.invoices":                       "Invoices",
	"cl.invoices.none":                  "No invoice.",
	"cl.history":                        "Whole history",
	"cl.contacts":                       "Contacts",
	"cl.emails":                         "E-mail addresses",
	"cl.phones":                         "Phone numbers",
	"cl.phones.none":                    "No number known.",
	"cl.phone.remove":                   "Remove",
	"cl.phone.add":                      "Add a number",
	"cl.phone.add.button":               "Add",
	"cl.file":                           "File",
	"cl.address":                        "Postal address",
	"cl.address.invoice":                "Read on the latest invoice; yours replaces it and is not overwritten.",
	"cl.notbefore":                      "Do not chase before",
	"cl.notbefore.hint":                 "Leave empty to resume as usual. Answers to the client's questions still go.",
	"cl.notes":                          "Notes",
	"cl.file.save":                      "Save the file",
	"cl.err.phone":                      "This number cannot be read: write it as 06 12 34 56 78, 0161 496 0000 or +44 20 7946 0958.",
	"cl.err.nophone":                    "This client has no such number.",
	"cl.err.kind":                       "Choose business or consumer.",
	"cl.err.date":                       "The date cannot be read (YYYY-MM-DD).",
	"cl.client":                         "Client file",
	"done.client_kind":                  "The client's kind is saved.",
	"done.client_file":                  "The client's file is saved.",
	"contactkind.phone":                 "landline",
	"contactkind.mobile":                "mobile",
	"contactkind.fax":                   "fax",
	"contactsource.invoice":             "read on an invoice",
	"contactsource.signature":           "read in its signature",
	"contactsource.owner":               "typed by you",
	"tone.cordial":                      "cordial",
	"tone.neutral":                      "neutral",
	"tone.tense":                        "tense",
	"tone.hostile":                      "hostile",
	"segment.new":                       "New client",
	"segment.regular":                   "Regular client",
	"sheet.phones":                      "Numbers to call",
	"sheet.phones.none":                 "No number known.",
	"sheet.phones.add":                  "Add one on the client's page",
	"sheet.fax":                         "Fax (do not call)",
	"sheet.goal":                        "Goal of this call",
	"sheet.next":                        "For the next order:",
	"sheet.invoices":                    "Invoices owed, dates and reminders",
	"sheet.invoices.none":               "Nothing is owed any more.",
	"sheet.of":                          "of",
	"sheet.issued":                      "invoice of",
	"sheet.ordered":                     "ordered",
	"sheet.delivered":                   "delivered",
	"sheet.due":                         "due",
	"sheet.payments":                    "Payment history",
	"sheet.payments.none":               "No payment received, no promise.",
	"sheet.promise":                     "On %s, promised to pay on %s",
	"sheet.complaints":                  "Complaints and disputes",
	"sheet.complaints.none":             "No complaint known.",
	"sheet.resolution":                  "Settled",
	"sheet.objections":                  "Objections raised before, and the answer",
	"sheet.objections.none":             "No objection found in the client's replies.",
	"sheet.questions":                   "Questions to ask",
	"sheet.q.when":                      "When do you expect to pay?",
	"sheet.q.how":                       "How: bank transfer, cheque, card?",
	"sheet.q.callback":                  "May I call you next week to see where things stand?",
	"sheet.prepared":                    "Sheet prepared on %s",
	"sheet.outcome.lead":                "After the call, note what was agreed: a plan prepares its written confirmation, to reread before it goes.",
	"objection.answer.cheque_in_post":   "Ask for the cheque's number, amount and sending date.",
	"objection.answer.oversight":        "It happens: ask for the exact date of the transfer.",
	"objection.answer.client_not_paid":  "Offer part now and the balance by a date agreed together.",
	"objection.answer.goods_returned":   "Ask why, when and by which carrier.",
	"objection.answer.progress_payment_defect": "A progress payment marks progress, not acceptance: offer a dated visit for the defect and payment of the undisputed part now.",
	"objection.answer.not_received":            "Send the invoice again and check the right address.",
	"objection.answer.wrong_amount":            "Go through the detail line by line, or offer a credit note.",
	"objection.answer.awaiting_approval":       "Ask who approves, by when, and for the PO number.",
}

// ReplyClasses lists the readings an owner may choose for a reply, for the
// correction form.
func (l *locale) ReplyClasses() []string { return replyClasses }

// Note words one of a draft's notes (store.DraftNote) in the page's
// language.
func (l *locale) Note(n store.DraftNote) string {
	arg := func(i int) string {
		if i < len(n.Args) {
			return n.Args[i]
		}
		return ""
	}
	switch n.Code {
	case store.NotePromiseBroken:
		d, err := time.Parse(time.DateOnly, arg(0))
		if err != nil {
			return l.T("note.promise_broken", arg(0))
		}
		return l.T("note.promise_broken", l.Date(d))
	case store.NoteOpenCall, store.NoteOpenHandOff, store.NoteNoPDF:
		return l.T("note."+n.Code, arg(0))
	case store.NoteSignal:
		return l.T("note.signal", arg(0), l.Label("kind", arg(1)))
	case store.NoteQuestion:
		var asked []string
		for _, t := range strings.Split(arg(1), ",") {
			if t != "" {
				asked = append(asked, l.Label("topic", t))
			}
		}
		if len(asked) == 0 {
			asked = []string{l.T("topic.unknown")}
		}
		at, err := time.Parse(time.RFC3339, arg(0))
		if err != nil {
			return l.T("note.question", arg(0), strings.Join(asked, ", "))
		}
		return l.T("note.question", l.DateTime(at), strings.Join(asked, ", "))
	case store.NoteBlank:
		return l.T("note.blank", l.Label("blank", arg(0)))
	case store.NoteObjection:
		return l.T("note.objection", l.Label("objection", arg(0)))
	}
	return strings.TrimSpace(n.Code + " " + strings.Join(n.Args, " "))
}

// TaskOutcomes lists the outcomes a task of this kind accepts, for the
// task form.
func (l *locale) TaskOutcomes(kind domain.FlagKind) []string {
	var out []string
	for _, o := range policy.TaskOutcomes() {
		if _, err := policy.AfterTask(kind, o); err == nil {
			out = append(out, string(o))
		}
	}
	return out
}
