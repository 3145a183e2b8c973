package classify

import (
	"regexp"
	"sort"
	"strings"
	"time"
)

// rule is one weighted signal of the lexicon, matched on a folded sentence.
type rule struct {
	class  Class
	signal string
	weight float64
	re     *regexp.Regexp
	// negatable rules are discounted when a negation closely precedes the
	// match: "aucun souci avec le chantier" is not a complaint.
	negatable bool
	// past rules describe something done; a future auxiliary before the
	// match ("sera réglé") turns them into nothing (the promise rules
	// catch those phrasings).
	past bool
	// need, when set, must also match the sentence.
	need *regexp.Regexp
	// unless, when it matches the sentence, discounts the rule: the words
	// that look like a complaint are about something else ("the PDF does
	// not open", "a fake supplier mail", "the number in your email").
	unless *regexp.Regexp
	// unlessNot keeps the rule alive despite unless: "the amount does not
	// match" is about money even when "your system" is named too.
	unlessNot *regexp.Regexp
	// inner rules span a gap ("le virement … a été effectué"): a negation
	// inside the match discounts them too.
	inner bool
	// lits prefilters re (see literalsOf).
	lits []string
	// anchored rules (^ or $) only match at a sentence's edges, so they
	// cannot be tried once on the whole reply.
	anchored bool
	// branches, when set, stand for re: its main alternation split so each
	// alternative is tried only when its own literals occur.
	branches []*branch
	pattern  string
}

func r(class Class, signal string, weight float64, pattern string) rule {
	x := rule{class: class, signal: signal, weight: weight, re: regexp.MustCompile(pattern), lits: literalsOf(pattern),
		anchored: isAnchored(pattern), branches: splitBranches(pattern), pattern: pattern}
	if x.branches != nil {
		x.re = nil // the branches stand for it; compiled, it would only weigh
	}
	return x
}

func (x rule) neg() rule                { x.negatable = true; return x }
func (x rule) done() rule               { x.past = true; x.negatable = true; return x }
func (x rule) with(pattern string) rule { x.need = regexp.MustCompile(pattern); return x }
func (x rule) except(pattern string) rule {
	x.unless = regexp.MustCompile(pattern)
	return x
}
func (x rule) gap() rule { x.inner = true; return x }

// exceptAbout discounts the rule when the sentence is about ctx and not
// about what the rule is really after (keep).
func (x rule) exceptAbout(ctx, keep string) rule {
	x.unless = regexp.MustCompile(ctx)
	x.unlessNot = regexp.MustCompile(keep)
	return x
}

// Contexts in which complaint words are not a complaint about the work or
// the amount.
const (
	// Administrative details of an invoice: correcting them is a request,
	// not a dispute.
	ctxAdmin = `\b(nom|name|raison sociale|denomination|adresse|address|tva|vat|siret|siren|rpps|bon de commande|purchase order|po|numero|number|reference|ref|rib|iban|bic|bank|banque|coordonnees|e-?mail|mail|courriel|systeme|system|logiciel|software|chorus|engagement|code service|intitule|libelle|mention|mentions|pdf|fichier|file|attachment|piece jointe|pj|lien|link|document|destinataire|addressee|societe|company|entity|entite)\b`
	// Money and work: what a dispute is about.
	ctxMoneyWork = `(€|£|\$|\beur\b|\beuros?\b|\bmontant|\bamount|\bprix\b|\bprice|\btarif|\brates?\b|\btaux\b|\bheures?\b|\bhours?\b|\btotal\b|\bquantit|\bforfait|\bdevis\b|\bquot(e|ation)|\bdiscount|\btravail|\btravaux|\bwork\b|\bprestation|\bchantier|\bjob\b|\bqualit|\bquality|\blivr|\bdeliver|\binstall|\bpose\b|\bfuite|\bleak|\bpanne|\bbroken|\bcasse|\bdefaut|\bdefect|\bcharged?\b|\bfactur(e|es|ez|ons) (deux|2) fois|\btwice)`
	// Fraud warnings: "un faux mail de fournisseur" is not "faux" about us.
	ctxFraud = `\b(faux (mail|e-?mail|courriel|message|rib|fournisseur|site|iban)|fraudes?|fraudulent|fraud|phishing|hameconnage|arnaques?|scam|usurpation|spoof\w*|fake (email|mail|invoice|supplier))\b`
	// Documents and files: "the PDF does not open" is not faulty work.
	ctxDocument = `\b(pdf|fichier|file|attachment|piece jointe|pj|lien|link|document|e-?mail|telechargement|download)\b`
)

// reConditional recognises a sentence that makes payment wait on something
// from us: the promise is only as good as the correction it asks for.
var reConditional = regexp.MustCompile(`\b(if you|si vous|once you|des que vous|when you|as soon as you|provided you|a condition que vous|pourvu que vous|des reception|a reception|upon receipt|on receipt|apres reception|after receiving|une fois (la|le|votre) \w+ (corrigee?|rectifiee?|recue?))\b`)

// reWrongContact recognises a reply from someone who is not (or no longer)
// the client's contact.
const reWrongContact = `\b((i|we) (left|no longer work|have left|retired)|no longer (with|at|works? (at|for|with)|employed)|(please )?stop sending|ne (suis|fais|travaille) plus (chez|a|dans|partie)|(ai|a) quitte (la societe|l'entreprise|le cabinet|mes fonctions|son poste|mon poste)|n'est plus (dans|chez|a|en poste|notre)|ne fait plus partie|wrong (person|address|contact)|mauvaise adresse|plus le bon (contact|interlocuteur)|not the right (person|contact)|ce n'est pas moi qui (gere|m'occupe|traite|paie|regle)|c'est (mon|ma|notre) (associee?|collegue|comptable|epouse|mari|femme) qui)\b`

var (
	reNegation = regexp.MustCompile(`\b(pas|aucun|aucune|sans|jamais|ni|rien|non|no|not|never|without|nothing|none|nor|zero|n't|isn't|wasn't|aren't|don't|doesn't|didn't|hasn't|haven't|hadn't|won't|can't|cannot|ne|n')\b|\bn'|n't\b`)
	reFuture   = regexp.MustCompile(`\b(sera|seront|serai|serons|va|vais|allons|vont|will|shall|going to|to be|pour etre|doit etre|devra etre|devrait etre|would be|pourra|pourrons|pourrai|avant de|before|once|des que|quand|when|as soon as|apres|after|en attente|pending|awaiting|attendons|attend|waiting|pour|to|afin de)\b|'ll\b`)
	// Clause boundaries stop negation and tense from leaking across.
	reClauseBreak = regexp.MustCompile(`[,;:()]| mais | but | et | and | car | because | alors | so `)
)

// lexicon is the read-only table of signals. Patterns are written against
// fold()ed text: lower case, no accents, straight apostrophes.
var lexicon = []rule{
	// --- paid: the client says the money has left.
	r(Paid, "paid:transfer_done", 2.5, `\b(virement|paiement|reglement|cheque|versement|transfert|le montant|la somme|la facture|votre facture|les factures|vos factures)( de [^ ]+( ?€| eur| euros)?)? (a ete |a bien ete |est |est bien |vient d'etre |ont ete |sont |ont bien ete |sont bien |etait |a deja ete |est deja |est parti |)(effectue|effectuee|fait|envoye|emis|parti|partie|passe|realise|execute|lance|poste|expedie|depose|valide|regle|reglee|reglees|payee?s?|vire|viree|soldee?s?|acquittee?s?|honoree?s?|traite|traitee)\b`).done(),
	r(Paid, "paid:we_paid", 2.5, `\b(j'ai|jai|j ai|nous avons|on a|avons|je viens de|nous venons de|on vient de|ai|a)( bien| deja| enfin| donc| hier| ce matin| aujourd'hui)* (regle|paye|payer|vire|fait le virement|fait un virement|effectue le (virement|paiement|reglement)|effectue un (virement|paiement)|envoye (le|un|notre|mon) (cheque|virement|paiement|reglement)|lance le virement|procede au (paiement|reglement|virement)|donne l'ordre de virement|poste (le|un) cheque|transmis (le|un) (cheque|virement)|solde|acquitte|paye la facture|regle la facture)\b`).done(),
	r(Paid, "paid:already", 2.0, `\b(deja|bien) (ete )?(regle|reglee|paye|payee|vire|solde|soldee)s?\b`).neg(),
	r(Paid, "paid:cest_regle", 2.5, `\b(c'?\s?est|tout est|c'etait|cela a ete|ca a ete|ca est) (bien |deja |maintenant |desormais )?(fait|regle|paye|solde|bon c'est regle|ok c'est regle)\b`).done(),
	r(Paid, "paid:generic_fr", 1.5, `\b(regle|reglee|reglees|paye|payee|payees|solde|soldee|vire|acquitte|acquittee)\b`).done(),
	r(Paid, "paid:we_paid_en", 2.5, `\b(i|we|i've|we've|i have|we have|i had|we had|i just|we just|has|have|had|it's|its|it has|this has|that has|invoice has|invoice was|it was|they were|payment has|payment was|payment's|transfer was|transfer has)( already| just| now| finally| actually| definitely| been)* (paid|settled|sent|transferred|wired|made|processed|cleared|remitted|released|gone( out| through)?|went through|been paid|been settled|been sent|been transferred|been processed|been made)\b`).done(),
	r(Paid, "paid:paid_en", 1.5, `\b(paid|settled|remitted)\b`).done(),
	r(Paid, "paid:it_went", 2.0, `\b(payment|transfer|bacs|wire|money|funds|cheque|check) (went|has gone|went out|left|was sent|was made|is on its way|is in the post|in the post|is in the mail|was mailed|was posted)\b`).done(),
	r(Paid, "paid:remittance", 2.0, `\b(remittance( advice)?|proof of payment|payment confirmation|preuve de (paiement|virement|reglement)|avis de virement|avis d'operation|justificatif (de|du) (paiement|virement|reglement)|copie du virement|ordre de virement ci-joint|capture du virement)\b`),
	r(Paid, "paid:did_you_receive", 2.5, `\b(avez-vous|avez vous|vous avez|have you|did you|did it|has it) (bien )?(recu|received|get|got|arrive|arrived|reach|reached)\b.{0,40}\b(virement|paiement|reglement|cheque|payment|transfer|check|money|funds)\b`),
	r(Paid, "paid:should_have", 1.5, `\b(vous devriez (l'avoir|le recevoir|l'avoir recu|le voir)|devrait (apparaitre|arriver|etre) sur votre compte|should (have|reach|arrive|be with you|hit your account|show|appear|clear|land)|sur votre compte (sous|d'ici|dans))\b`),
	r(Paid, "paid:done_en", 2.0, `\b(it's|its|all|that's|thats|this is|it is) (been )?(done|sorted|settled|taken care of|paid)\b`).done(),
	r(Paid, "paid:paid_on", 2.0, `\b(paye|regle|vire|paid|settled|transferred) (le|on|hier|yesterday|ce matin|this morning|today|aujourd'hui|last)\b`).done(),

	// The payment and its completion far apart ("le virement de 1 850 € a
	// bien été exécuté", "le mandat de paiement … a été émis").
	r(Paid, "paid:done_far", 2.5, `\b(virements?|paiements?|reglements?|mandat( de paiement)?|cheques?|versements?|ordre de (virement|paiement)|transfer|payment|remittance|wire|money|funds|amount|montant|la somme|the sum)\b[^.;?!]{0,80}?\b((a ete|a bien ete|ont ete|ont bien ete|est bien|has been|have been|was|were)( bien| deja| dument| correctement)? (effectuee?s?|executee?s?|emise?s?|envoyee?s?|viree?s?|realisee?s?|passee?s?|valide?e?s?|made|sent|send|executed|processed|issued|released|remitted|transferred|initiated|completed|paid( in)?)|(est|sont) (bien |deja )?(partie?s?|passee?s?)|(went|has gone|have gone) (out|through))\b`).done().gap(),
	// Someone saw to the payment: "mon fils s'est occupé du paiement".
	r(Paid, "paid:handled", 2.5, `\b((s'est|me suis|nous sommes|se sont|m'en suis|s'en est) (deja |bien )?(occupee?s?|chargee?s?) (du|de|des) (paiement|reglement|virement|facture)s?|(took|has taken|have taken|taken) care of (the |your )?(payment|invoice|bill|transfer)|(handled|sorted|dealt with) (the |your )?(payment|invoice|bill|transfer))\b`).done(),
	r(Paid, "paid:invoice_settled_far", 2.5, `\b(la facture|votre facture|cette facture|les factures|vos factures|the invoice|your invoice|this invoice|invoices?)\b[^.;?!]{0,80}?\b(a ete|a bien ete|ont ete|ont bien ete|est|sont|est bien|has been|have been|was|were|is)( bien| deja| dument| integralement| entierement| fully| now)? (reglee?s?|payee?s?|soldee?s?|acquittee?s?|virees?|paid|settled|cleared)\b`).done().gap(),

	// --- promise: the client commits to paying later.
	r(Promise, "promise:will_pay_fr", 2.5, `\b(je|nous|on|j')( vous)? ?(reglerai|reglerons|reglera|paierai|paierons|paiera|payerai|payerons|payera|verserai|verserons|virerai|virerons|ferai le (virement|necessaire|paiement|reglement)|ferons le (virement|necessaire|paiement|reglement)|vais (vous )?(regler|payer|faire|proceder|lancer|envoyer|effectuer|passer|verser|virer|solder)|allons (vous )?(regler|payer|faire|proceder|lancer|envoyer|effectuer|passer|verser|virer|solder)|va (vous )?(regler|payer|faire le|proceder|lancer|envoyer|effectuer|verser|virer|solder)|compte (vous )?(regler|payer|faire|lancer|verser|virer)|comptons (vous )?(regler|payer|faire|lancer|verser|virer)|prevois de (regler|payer)|prevoyons de (regler|payer)|m'engage a (regler|payer)|nous engageons a (regler|payer))\b`).neg(),
	r(Promise, "promise:transfer_will", 2.5, `\b(virement|paiement|reglement|cheque|versement|solde|facture|montant|tout)( de [^ ]+)? (part|partira|partiront|sera (fait|effectue|envoye|emis|lance|passe|programme|regle|paye|vire|execute|realise|poste|valide|traite)|est programme|est prevu|programme|prevu|va partir|vont partir|arrivera|suivra|suivront|sera regle|sera reglee|seront regles|sera payee?|sera soldee?|sera honoree?|sera traitee?|est en cours|en cours de (traitement|validation)|sera fait|sera effectue|est planifie|est en preparation|part en paiement|passe en paiement|passera)\b`).neg(),
	r(Promise, "promise:future_passive_fr", 2.5, `\b(sera|seront|va etre|vont etre|devrait etre|devraient etre)( bien| donc)? (regle|reglee|regles|reglees|paye|payee|payes|payees|vire|viree|solde|soldee|effectue|effectuee|honore|honoree|traite|traitee|mis en paiement|lance|envoye|emis)\b`),
	r(Promise, "promise:present_future_fr", 1.5, `\b(je|nous|on)( vous)? (fais|faisons|fait|lance|lancons|envoie|envoyons|regle|reglons|paie|payons|vire|virons|programme|programmons|passe|passons|m'occupe|nous occupons|m'en occupe|nous en occupons|m'en charge|nous en chargeons|fais le necessaire|faisons le necessaire)\b`).neg(),
	r(Promise, "promise:will_pay_en", 2.5, `\b(i|we|i'll|we'll|ill|well|you'll|it'll|this'll|they'll)( will| shall| are going to| am going to| plan to| intend to| expect to| aim to| hope to| should| can| could| ?'ll| will be able to| are able to| can only)?( definitely| certainly| then| now| be able to| get it| get this| get that)? (pay|settle|transfer|wire|send|process|make|release|clear|sort|arrange|schedule|get (it|this|that|the invoice) paid|put (it|this|the payment) through|have (it|this|that) paid|be paying|be settling|be sending|remit)\b`).neg(),
	r(Promise, "promise:will_verb_en", 2.0, `\b(will|shall|gonna|going to) (pay|settle|transfer|wire|send (the )?(payment|money|funds)|sort (it|this|that)( out)?|get (it|this|that) (paid|sorted|settled)|make (the )?payment|process (it|this|the payment))\b`).neg(),
	r(Promise, "promise:will_be_paid_en", 2.5, `\b(will|shall|is going to|are going to|'ll|it'll) (be )?(done|completed|executed|initiated|paid|settled|processed|transferred|sent|released|made|scheduled|cleared|actioned|approved for payment|in your account|with you|go out|going out|leave|follow|clear|be with you|be in your account)\b`).neg(),
	r(Promise, "promise:scheduled", 2.0, `\b(scheduled|booked|queued|lined up|set up|planned|programmed|earmarked|approved for payment|in (our|the) (next )?(payment|pay) run|next (payment|pay) run|payment run|pay run|prochaine campagne de (paiement|virement)s?|prochain (virement|paiement|reglement) groupe|prochain lot de virements|en (cours de )?mise en paiement|mis en paiement|bon a payer|valide pour paiement|valide en comptabilite|circuit de validation)\b`),
	r(Promise, "promise:asap", 1.0, `\b(des que possible|au plus vite|au plus tot|rapidement|asap|as soon as possible|shortly|promptly|sans faute|without fail)\b`).with(`(regl|pai|pay|vir|settl|transfer|verse|facture|invoice)`),
	r(Promise, "promise:take_care", 1.5, `\b(je m'en occupe|je m'en charge|nous nous en occupons|on s'en occupe|je regularise|nous regularisons|je vais regulariser|nous allons regulariser|i'll (sort|take care of|deal with|handle) (it|this|that)|we'll (sort|take care of|deal with|handle) (it|this|that)|i will (sort|take care of|deal with|handle) (it|this|that)|we will (sort|take care of|deal with|handle) (it|this|that)|leave it with me|on it)\b`),
	r(Promise, "promise:sorry_late", 0.5, `\b(desole|desolee|excusez|pardon|toutes mes excuses|sorry|apologies|apologise|apologize|oubli|oversight|overlooked|slipped through)\b`),

	// "You'll have it on Friday", "vous l'aurez lundi".
	r(Promise, "promise:you_will_have", 2.5, `\b((you'?ll|you will|you should|you shall) (have|get|receive|see) (it|them|the (money|payment|funds|transfer|cheque|check|balance)|payment|your money)|vous (l'aurez|les aurez|le recevrez|la recevrez|les recevrez|aurez (le|votre) (paiement|virement|reglement|cheque|argent)|recevrez (le|votre) (paiement|virement|reglement|cheque)))\b`).neg(),
	// The payment and its departure far apart, plural included ("les
	// virements fournisseurs de l'association partent le 5 avril").
	r(Promise, "promise:transfer_will_far", 2.0, `\b(virements?|paiements?|reglements?|versements?|payments?|transfers?)\b[^.;?!]{0,50}?\b(partent|partiront|partira|part|seront (faits|effectues|envoyes|emis|passes)|sont programmes|sont prevus|will (go out|be (made|sent|processed|released|paid)))\b`).neg().gap(),

	// --- dispute: the client contests the invoice or the work.
	r(Dispute, "dispute:contest", 3.0, `\b(conteste|contestons|contester|contestation|contestee|desaccord|dispute|disputing|disputed|contest|contesting|challenge|challenging|litige|litigieuse|reclamation|formal complaint)\b`).neg(),
	r(Dispute, "dispute:disagree", 2.5, `\b(pas d'accord|pas daccord|do not agree|don't agree|dont agree|disagree|not agree)\b`),
	r(Dispute, "dispute:error", 2.5, `\b(erreurs?|errone|erronee|erronees|incorrect|incorrecte|incorrects|inexact|inexacte|faux|fausse|fausses|wrong|mistakes?|mistaken|errors?|incorrectly|overcharged?|overbilled|surfacture|surfacturation|trop (cher|eleve|facture|factures)|pas le bon (montant|prix|tarif|taux)|not the right (amount|price|rate)|not correct|doesn't add up|ne correspond (pas|a rien)|does not match|doesn't match|don't match|do not match|ecart|discrepancy|mismatch)\b`).neg().
		exceptAbout(ctxAdmin+"|"+ctxFraud, ctxMoneyWork),
	r(Dispute, "dispute:duplicate", 3.0, `\b(double facturation|facture(e|es)? (deux|2) fois|factur(e|ee|ees) en double|en double|doublon|deja (ete )?factur(e|ee)|duplicate|duplicated|billed twice|charged twice|invoiced twice|twice for|already (been )?(invoiced|billed|charged))\b`),
	r(Dispute, "dispute:agreed_otherwise", 2.5, `\b(nous avions convenu|on avait convenu|il etait convenu|c'etait convenu|avait ete convenu|comme convenu|we agreed|we had agreed|was agreed|as agreed|agreed price|agreed rate|agreed on|selon (le|votre|notre) devis|d'apres (le|votre) devis|(le|votre|notre) devis( signe| accepte| initial| valide| de depart| du \S+)? (indiquait|prevoyait|disait|etait de|mentionnait|precisait|portait sur)|per (the|your) quote|the quote (said|was|stated)|quoted (us|price)|au lieu de|instead of|et non|not \d)\b`).with(`(€|£|\beur\b|euros?|prix|tarif|taux|montant|devis|forfait|price|rate|amount|quot|fixed|heures|hours|jours|days|\d+ ?(h|%|€|photos|pieces|pages|mots|words|unites|units))`),
	r(Dispute, "dispute:unfinished", 2.5, `\b((n'|n )?(a|ont|est|sont|avez) (pas|jamais) (ete )?(termine|terminee|termines|fini|finie|finis|livre|livree|livres|fait|faite|faits|realise|realisee|installe|installee|pose|posee|conforme|repare|reparee|corrige|corrigee|effectue|effectuee|acheve|achevee)|pas (encore )?(termine|fini|finie|livre|livree|conforme|pose|posee|installe|repare|corrige|acheve)|jamais (ete )?(livre|livree|termine|fait|faits|faite|realise|installe)|ne (ferme|ferment|s'ouvre|s'ouvrent|chauffe|demarre|tient|tiennent|marche|marchent|fonctionne|fonctionnent) (pas|plus|toujours pas)|(don't|doesn't|do not|does not|won't|didn't) (close|open|fit|work|lock|drain|heat|start|hold|run)( properly| correctly| at all)?|non (conforme|livre|livree|termine|realise|realisee|effectue)|inacheve|inachevee|incomplet|incomplete|malfacons?|defaut|defauts|defectueu[xs]e?|abime|abimee|abimes|endommage|endommagee|casse|cassee|fuit|fuite|fuites|ne fonctionne (pas|plus|toujours pas)|fonctionne mal|marche pas|marche plus|not (been )?(finished|completed|delivered|done|working|fixed|installed|repaired)|never (been )?(delivered|arrived|finished|completed|showed up|turned up|came|done|carried out|started|performed|fitted|installed)|hasn't been (finished|completed|delivered|fixed|done)|haven't (been )?(finished|completed|delivered|fixed)|de votre fait|your fault|votre faute|annulee? de votre fait|cancelled by you|you cancelled|(isn'?t|is not|aren'?t|are not|wasn'?t|was not|n'est pas|n'est toujours pas|ne sont pas|ne sont toujours pas|n'etait pas)( yet| even| still| encore| meme)? (finished|complete|completed|done|fixed|working|repaired|termine|terminee|termines|fini|finie|finis|acheve|achevee|repare|reparee|conforme)|still (has|have) no|unfinished|defective|damaged|broken|faulty|doesn't work|does not work|didn't work|stopped working|still leaking|leaking|poor quality|mal (fait|faite|faits|realise|pose|posee|installe|finie?)|bacle|baclee|sloppy|shoddy|substandard|reserves? (a la reception|sur le chantier|non levees?)|snag(ging)? list|touch-ups?|finitions|retouches)\b`).exceptAbout(ctxDocument, `\b(travaux|chantier|installation|machine|serveur|server|poste|porte|fenetre|chaudiere|boiler|chauffe-eau|work|job|site web|website|application)\b`),
	r(Dispute, "dispute:returned", 3.0, `\b(retourne|retournee|retournes|retournons|renvoye|renvoyee|renvoye la marchandise|retour (de la|des) marchandises?|avons retourne|marchandise retournee|returned (the|them|it|the goods|the items|the order)|goods (were )?returned|sent (it|them|the goods|everything) back|send (it|them) back|we returned|en retour|refused delivery|refuse la livraison|avoir|credit note|credit memo|refund|rembourser|remboursement)\b`).with(`(retour|renvoy|marchandise|colis|livraison|goods|items|returned|back|article|produit|commande|order|un avoir|l'avoir|d'un avoir|votre avoir|cet avoir|credit|refund|rembours)`),
	r(Dispute, "dispute:refuse", 3.0, `\b(refuse|refusons|refuser|refusing|refuse to|ne (paierai|paierons|payerai|payerons|reglerai|reglerons|reglerons) (pas|rien|jamais)|won'?t (be )?pay(ing)?|will not (be )?pay(ing)?|not (going|prepared|willing) to pay|pas question de (payer|regler)|hors de question|no way|ne sommes pas redevables|nous ne devons rien|ne vous devons rien|don'?t owe|do not owe|owe you nothing|nothing (is )?owed|ne la reglerons pas|ne la paierons pas|ne payerons pas|(i'm|i am|we're|we are) not paying|ne (sera|seront) (donc )?(pas|jamais) (paye|payee|payes|regle|reglee|regles|verse|versee)|bloquons le (paiement|reglement)|suspendons le (paiement|reglement)|withhold(ing)? (payment|the payment)|on hold until|suspendu|en suspens)\b`),
	r(Dispute, "dispute:until_fixed", 2.5, `\b(tant que|until|jusqu'a ce que|avant que|unless|as long as|pending|once|when|quand|lorsque|des que)\b.{0,80}\b(pas|not|n'|fix|fixed|repare|reparee|termine|terminee|corrige|corrigee|resolved|sorted|complete|completed|finish|finished|leve|levees|levee|regle le probleme|remplace|remplacee|replaced|redone|refait|refaite|intervenu|revenu|revienne|repasse|comes? back|came back|return|returns)\b`).with(`(pay|regl|pai|facture|invoice|solde|balance|reste|remainder|rest)`),
	r(Dispute, "dispute:deduct", 2.5, `\b(retenue|retenir|retiendrons|deduire|deduit|deduite|deduisons|deduction|deduct|deducted|deducting|withhold|withholding|holding back|hold back|retain|retaining|minor(ee|er|ation)|remise (de|pour)|geste commercial|discount for|reduction pour|compensation)\b`).neg(),
	r(Dispute, "dispute:only_part", 2.0, `\b(seulement|uniquement|only|just|que)\b.{0,30}\b(partie|part|moitie|half|portion|ce qui a ete (fait|livre|realise)|what was (done|delivered|completed)|les heures (reelles|effectuees)|the hours (actually )?(worked|done)|le travail effectue|the work done)\b`).with(`(pay|regl|pai|vers|accept|facture|invoice)`),
	r(Dispute, "dispute:not_ordered", 3.0, `\b(jamais commande|pas commande|n'avons (jamais|pas) commande|n'ai (jamais|pas) commande|never ordered|didn't order|did not order|not ordered|never asked for|pas demande|jamais demande|never agreed|not authori[sz]ed|non autorise|pas autorise|sans (notre|mon) accord|without (our|my) (approval|consent|agreement)|hors devis|not in the quote|not part of the quote|pas prevu (au|dans le) devis|non prevu|supplement non)\b`),
	r(Dispute, "dispute:problem", 1.0, `\b(probleme|problemes|souci|soucis|issue|issues|problem|problems|concern|concerns|complaint|plainte|anomalie|reserve|reserves)\b`).neg(),
	r(Dispute, "dispute:not_received_goods", 2.5, `\b(pas|jamais|never|not|haven't|have not|didn't|did not)( encore| yet| still)? (recu|received|got|eu)\b.{0,30}\b(marchandise|commande|livraison|colis|materiel|piece|pieces|goods|items|order|delivery|parcel|parts|equipment|la prestation|le service|the service|the work|les travaux)\b`),

	r(Dispute, "dispute:refuse_full", 3.0, `\b((cannot|can'?t|can not|could not|won'?t|will not) accept (to pay|paying)|(i'm|i am|we're|we are|am|are) not (settling|paying)|won'?t (be )?(settling|settle)|will not (be )?(settling|settle)|(ne vois pas|don'?t see) (pourquoi|why) (je|nous|on|i|we) (paierai[st]?|payerai[st]?|reglerai[st]?|paierions|should pay|would pay|should settle)|why (should|would) (i|we) pay|(ne )?(pouvons|peux|pourrons) (pas )?accepter de (payer|regler)|^(not|no) paying\b|not paying (for|until|this|that|anything|it|a penny|the full))`),
	r(Dispute, "dispute:quality", 2.5, `\b(flous?|floues?|inutilisables?|inexploitables?|illisibles?|unusable|unreadable|blurry|blurred|out of focus|pixelise\w*|still (cold|leaking|dripping|broken|faulty|not working|not fixed)|dripping|drips|leaks|toujours (froid|froids|froide|froides|en panne|pas repare|pas reparee|hors service)|goutte|gouttent|hors service)\b`).neg(),
	r(Dispute, "dispute:pay_part", 2.5, `\b(regler|payer|pay|settle|paierai|reglerai|payons|reglons|pay for)\b.{0,30}\b(\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) (\w+ )?(sur|out of|of the|de nos|des) (\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze)\b`),
	r(Dispute, "dispute:full_price", 2.0, `\b(full price|full amount|whole amount|full rate|prix (plein|total|complet)|montant (total|complet|integral)|totalite (du montant|de la facture|du prix))\b`).with(`\b(pas|not|cannot|can'?t|won'?t|refus\w*|accept\w*|ne|n')\b`),
	r(Dispute, "dispute:ask_reduction", 2.5, `\b(propose|offer|give|grant|accorder|proposer|consentir|faire)( us| nous| me)? (a|an|une|un) (reduction|discount|remise|rabais|geste( commercial)?|ristourne|price reduction|avoir|credit)\b`),
	r(Dispute, "dispute:discrepancy", 2.5, `\b(explain|justify|expliquer|justifier|clarify|account for)( me| us| nous| moi)? (the|this|that|la|cet|cette|ce) (difference|discrepancy|ecart|gap|increase|augmentation|hausse|supplement|extra)\b`),
	r(Dispute, "dispute:contradict", 2.5, `\b(invoice|facture|bill)\b.{0,30}\b(shows|says|states|lists|mentions|indique|mentionne|affiche|porte|compte|is|est)\b.{0,60}\b(but|mais|whereas|alors que|while|tandis que)\b.{0,60}\b(our|your|notre|votre|nos|vos|the|le|la)( own)? (timesheets?|records?|quote|quotation|devis|bon de commande|purchase order|order|commande|contract|contrat|agreement|accord|releve|decompte|count|figures|feuilles? de temps|pointage)\b`),
	r(Dispute, "dispute:correct_amount", 2.5, `\b((correct|rectify|fix|adjust|amend|revise|corriger|rectifier|revoir|ajuster|modifier)( the| le| la| votre| your| ce| cet| this| le| les)? (amount|montant|price|prix|rate|tarif|taux|total|hours|heures|quantity|quantite)|(facture|invoice) (correspondant|conforme|matching|that matches|reflecting|qui corresponde?) (a|au|to|with)? ?(ce qui a ete|what was|what we|the work|les travaux|la prestation|the actual|ce que nous avons))\b`),

	// --- hardship: the client cannot pay now.
	r(Hardship, "hardship:treasury", 2.5, `\btresorerie\b`).with(`(souci|probleme|difficult|tendu|serre|tension|manque|compliqu|tight|juste|fragile|mauvais|faible|insuffisant|delicat|critique)`),
	r(Hardship, "hardship:cash", 2.5, `\b(difficultes?( financieres| de tresorerie| passageres| economiques)?|cash ?flow|cash-flow|financial (difficult(y|ies)|trouble|problems?|hardship|situation)|struggling|struggle|tight (at the moment|right now|this month)|things are tight|money is tight|serre|serree|tendu|tendue|redressement|sauvegarde|liquidation|procedure collective|administration judiciaire|administrateur judiciaire|(placed|gone|went|entered) into administration|in administration|mandataire judiciaire|insolven|bankrupt|faillite|depot de bilan|chomage|unemployed|maladie|malade|hospitalis|hopital|hospital|deces|decede|bereavement|sinistre|inondation|incendie|arret maladie|sick leave|difficult (period|time|times|month)|tough (time|times|month|period)|hard (time|times|month)|periode (difficile|compliquee|creuse)|mois (difficile|complique)|passe mal|pas les moyens|can'?t afford|cannot afford|fonds insuffisants|insufficient funds|decouvert|overdraft|banque (refuse|bloque|a refuse)|bank (refused|has refused)|baisse d'activite|perte d'un client|lost (a|our) (major|main|big) (client|customer)|low season|basse saison)\b`).neg(),
	r(Hardship, "hardship:cannot_pay", 2.0, `\b(ne (pouvons|peux|pourrons|pourrai|pourrais|pourrions) pas (payer|regler|honorer|solder|verser|tout (payer|regler))|ne pourrons regler|impossible (de|pour nous de|pour moi de) (payer|regler|honorer)|can'?t pay|cannot pay|can not pay|unable to pay|won'?t be able to pay|will not be able to pay|not able to pay|not in a position to pay|pas en mesure de (payer|regler|honorer|vous regler)|pas en capacite|hors de portee|not possible (for us )?to pay)\b`),
	r(Hardship, "hardship:instalments", 2.5, `\b(echeancier|echelonn\w*|etaler|etalement|en (deux|trois|quatre|cinq|six|plusieurs|2|3|4|5|6|10) (fois|versements|mensualites|echeances|paiements|parties)|plan de (paiement|remboursement|reglement)|payment plan|instal?lments?|in (two|three|four|five|six|2|3|4|5|6|several) (parts|payments|instal?lments|goes|tranches)|spread (the )?(payment|payments|cost|balance|amount)|monthly (payments|amounts|instal?lments)|pay (it )?(monthly|in parts|in stages|bit by bit|little by little)|payer (petit a petit|par mois|chaque mois|mensuellement|en partie)|mensualites|par tranches|acompte|a partial payment now|part (now|today) and|une partie (maintenant|aujourd'hui|ce mois)|le reste (le mois prochain|en|dans|fin|au|a la)|the rest (next month|in|at|by)|the remainder (next month|in|at|by)|le solde (le mois prochain|en|dans|a la fin))\b`),
	r(Hardship, "hardship:own_client", 3.0, `\b(notre|mon|nos|mes|our|my|un|a)( propre| own| gros| principal| main| big| biggest| largest| major)? (client|clients|customer|customers|donneur d'ordre|donneurs d'ordre|maitre d'ouvrage|debiteur|payeur|acheteur|main contractor|contractor|entrepreneur principal)( principal| principaux)?\b.{0,60}\b(pas|n'a|n'ont|not|hasn't|haven't|late|retard|paid us|nous a pas|nous doit|owes us|owe us|impaye|impayes|defaut|default|attend|waiting)\b`),
	r(Hardship, "hardship:more_time", 1.5, `\b(delai|delais|un peu de temps|plus de temps|more time|extra time|extension|extend|reporter|report|decaler|repousser|postpone|push (it )?back|grace|patience|indulgence|comprehension|understanding|quelques (jours|semaines) de plus|a (few|couple of) more (days|weeks)|another (two|three|few|couple|\d+)( of)? (weeks|days|months)|(deux|trois|quelques|2|3) (semaines|mois) de plus|bear with (me|us)|patienter|wait (a bit|a little|until|till|a few)|attendre jusqu'(a|au|en)|give (me|us) (a little|some|more) time|laisser (un peu|quelques|du) temps|accorder (un|quelques|du)|un petit delai|un delai supplementaire|attendre (un peu|quelques jours|le mois prochain|fin du mois))\b`).neg().with(`(pouv|pourr|could|can|possible|accord|demand|ask|request|need|besoin|serait|would|may|might|est-il|please|svp|merci de (me|nous) (laisser|accorder))`),
	r(Hardship, "hardship:waiting_funds", 2.0, `\b(attendons|attend|j'attends|attente|en attendant|attendant|waiting for|awaiting|waiting on)( le| la| les| un| une| notre| nos| our| a| the)? (versement|subvention|subventions|financement|pret|deblocage|aide|remboursement|grant|loan|subsidy|funding|funds|cheque de notre client|paiement de notre client|reglement de notre client|tax refund|remboursement de tva|credit de tva|insurance (payout|payment)|indemnisation|assurance)\b`),

	r(Hardship, "hardship:household", 2.5, `\b(en arret (maladie|de travail)?|arret de travail|on sick leave|off sick|du mal a (boucler|joindre|payer)|boucler (les|nos|mes) fins de mois|joindre les deux bouts|make ends meet|struggling to|a sec|dans le rouge|in the red|(our|my|nos|mes) (accounts?|comptes) (are|is|sont|est) (empty|vides?|a sec)|bank has (frozen|cut|pulled|cancelled|reduced)|banque (a|nous a) (coupe|gele|bloque|reduit|supprime)|overdraft (frozen|cut|pulled|cancelled)|in a bad way|en mauvaise passe|(lost|perdu) (my|his|her|mon|son) (job|emploi|travail)|licencie|licenciee|laid off|redundant|made redundant)\b`),
	r(Hardship, "hardship:monthly", 2.5, `\b\d+ ?(€|eur|euros|£|\$|pounds)? ?(par|per|a|each|every|chaque|tous les) (mois|month|semaine|week|quinzaine|fortnight)\b`).with(`(pay|pai|regl|vers|rembours|virer|transfer|give|donner|envoyer|send)`),
	r(Hardship, "hardship:client_late", 3.0, `\b(delayed|late|retard de|retards de|non-?|defaut de)( payment| paiement| reglement)s? (from|de|du|de la part de|by) (our|notre|nos|un|a|l'un de nos|one of our)( main| biggest| largest| principal| major| gros| plus gros)? (clients?|customers?|donneurs? d'ordre)\b`),
	r(Hardship, "hardship:cannot_process", 2.5, `\b((unable|not able|not in a position) to (process|make|honou?r|meet|release|effect)( any)?( supplier| our| outstanding)? (payments?|invoices?)|ne (pouvons|pourrons|peux|pourrai) (pas|plus) (effectuer|traiter|honorer|assurer) (les|nos|aucun|de) (paiements|reglements|virements|factures))\b`),

	// --- grievance: tone and relationship, whatever the money.
	r(Grievance, "grievance:again", 2.0, `\b(comme d'habitude|comme d'hab|comme toujours|encore une fois|une fois de plus|une nouvelle fois|encore une relance|une relance de plus|encore un rappel|as usual|once again|yet again|as always|yet another|for the (second|third|fourth|umpteenth|nth) time|pour la (deuxieme|seconde|troisieme|quatrieme|enieme|nieme|ixieme|centieme) fois|toujours la meme (chose|histoire|rengaine)|same (thing|story) (again|every time)|every (single )?time|a chaque fois|chaque fois c'est)\b`).with(`(relanc|rappel|remind|chas|erreur|error|wrong|mistake|retard|late|oubli|forgot|verif|check|record|compt|!|encore|again|toujours|always|jamais|never|n'avez|haven't|didn't|don't|n'est|isn't|avant meme|before even|pas (de )?(reponse|nouvelles|retour)|\.\.\.)`),
	r(Grievance, "grievance:sarcasm_thanks", 3.0, `\b(merci de (nous|me) relancer alors que|merci pour (la|cette|votre) (relance|rappel)\b.{0,40}(alors que|quand|vraiment|!)|thanks for (chasing|the reminder|reminding( us| me)?)\b.{0,50}\b(when|while|although|even though|but|after|really|!)|thank you for (chasing|the reminder|reminding( us| me)?)\b.{0,50}\b(when|while|although|even though|but|after|really|!))`),
	r(Grievance, "grievance:sarcasm_bravo", 2.5, `\b(bravo|felicitations|chapeau|quelle (efficacite|reactivite|rapidite|organisation)|belle (reactivite|organisation|efficacite)|congratulations|well done|great job|nice work|impressive|what (efficiency|a service)|top le service|super le suivi|genial)\b`).with(`(relanc|rappel|remind|chas|reactiv|efficac|service|suivi|organisation|communication|factur|invoice|alors que|while|when|!|\.\.\.)`).exceptAbout(`\b(adore|adorent|adorons|magnifiques?|superbes?|sublimes?|ravie?s?|enchantee?s?|love|loved|loves|amazing|beautiful|gorgeous|super travail|tres beaux?|tres belles?|encore merci|merci encore|thanks again|felicitations pour (le|la|les|votre|ton|ta|vos)|bravo pour (le|la|les|votre|ton|ta|vos|ce|cet|cette))\b`, `\b(alors que|mais|but|while|whereas|dommage|relanc|remind|chas|rappel)`),
	r(Grievance, "grievance:reproach", 2.0, `\b(alors que|whereas|even though|although|despite|when in fact)\b.{0,80}\b(deja|already|paye|payee|regle|reglee|envoye|repondu|signale|prevenu|dit|explique|informe|averti|told|explained|informed|paid|sent|answered|reported|warned)\b`),
	r(Grievance, "grievance:told_you", 2.0, `\b(je vous (l')?ai (deja )?(dit|ecrit|explique|signale|indique|precise|repete)|nous vous (l')?avons (deja )?(dit|ecrit|explique|signale|indique|precise|repete|informe)|comme (je|nous) vous l'(ai|avons) (deja )?(dit|ecrit|explique|signale|indique)|as (i|we) (have )?(already )?(told|said|explained|mentioned|informed)|i('ve| have) already (told|explained|said)|we('ve| have) already (told|explained|said|informed)|how many times|combien de fois|ca fait (deux|trois|plusieurs|2|3) fois|this is the (second|third|\d+(st|nd|rd|th)) time)\b`),
	r(Grievance, "grievance:no_answer", 2.0, `\b(vous ne (repondez|rappelez|rappellez|nous rappelez|nous repondez) (jamais|pas|plus)|jamais de (reponse|retour|rappel)|sans (reponse|retour|nouvelles) de votre part|no one (answers|replies|called back|got back)|nobody (answers|replies|called back|got back)|personne ne (repond|rappelle|nous a rappele)|toujours pas (de|eu de) (reponse|nouvelles|retour|rappel)|still (no|waiting for an?|haven't had an?) (reply|answer|response|word|call back|callback)|never (got|received|had) (a|any) (reply|answer|response|call)|you never (answer|reply|call|responded|got back)|you (didn't|did not|never) (bother|answer|reply|call)|on attend toujours|nous attendons toujours|we are still waiting|we're still waiting|i'm still waiting|i am still waiting|j'attends toujours|ignored|ignore nos|ignorez)\b`),
	r(Grievance, "grievance:disappointed", 2.0, `\b(decu|decue|decus|decues|deception|disappointed|disappointing|disappointment|dommage|regrettable|regrette|je regrette|surpris|surprise|surprenant|etonne|etonnee|etonnant|etonnement|surprised|astonished|amazed|choque|choquee|shocked|inadmissible|inacceptable|unacceptable|scandaleux|scandaleuse|honteux|honte|shameful|ridicule|ridiculous|agace|agacee|agacant|frustre|frustree|frustrant|frustrated|frustrating|irrite|irritee|annoyed|annoying|fed up|en ai marre|en avons marre|ras le bol|lamentable|pas serieux|pas tres serieux|pas tres pro|pas pro|unprofessional|peu professionnel|manque de (respect|serieux|professionnalisme|consideration|communication|suivi)|lack of (respect|professionalism|communication|follow-up)|pas normal|not normal|not acceptable|pas acceptable|insulting|insultant|vexe|vexant|blesse|offended|offense|discourtois|cavalier|limite|un peu fort|a bit rich|bit much|un peu raide|un peu leger|pas terrible|mediocre)\b`).neg(),
	r(Grievance, "grievance:old_complaint", 2.0, `\b(d'ailleurs|au passage|by the way|btw|soit dit en passant|en passant|while i'm at it|while we're at it|et puis|sans parler de|not to mention|let alone|je profite de ce message|i'd like to (point out|remind you|mention)|je tiens a (rappeler|signaler|vous rappeler|vous signaler)|je vous rappelle que|je me permets de vous rappeler|permettez-moi de vous rappeler|let me remind you|i remind you)\b`).with(`(l'an|l'annee|dernier|derniere|precedent|precedente|last|previous|before|avant|toujours|still|jamais|never|ete|cet ete|hiver|printemps|autre chantier|other job|promis|promised|probleme|souci|issue|problem|attendu|waited|retard|late|mal|pas)`).exceptAbout(ctxAdmin, ctxMoneyWork),
	r(Grievance, "grievance:past_job", 1.5, `\b(l'an dernier|l'annee derniere|la derniere fois|la fois precedente|le dernier chantier|le chantier precedent|le chantier de l'an|la derniere commande|last (time|year|job|summer|winter|spring)|the (last|previous) (job|project|order|visit|time)|previous (job|project|order|visit)|depuis le (dernier|debut)|since the (last|first|beginning))\b`).with(`(probleme|souci|issue|problem|jamais|never|toujours pas|still|encore|mal|pas|not|retard|late|attendu|waited|promis|promised|decu|disappoint|rien)`).exceptAbout(ctxAdmin, ctxMoneyWork),
	r(Grievance, "grievance:relationship", 2.5, `\b(nous ne ferons plus appel|je ne ferai plus appel|ne travaillerons plus|ne travaillerai plus|plus jamais|won'?t be using|will not be using|won'?t use you|no longer (use|work with|be working)|take (our|my) business elsewhere|irons voir ailleurs|irai voir ailleurs|aller voir ailleurs|chercher un autre (prestataire|artisan|fournisseur)|find (another|a new) (supplier|provider|contractor|firm|company)|reconsider (our|working|the relationship)|reconsiderer notre (collaboration|relation)|revoir notre (collaboration|relation|partenariat)|remettre en (cause|question) notre (collaboration|relation)|fin de notre collaboration|end (of )?our (relationship|collaboration)|pour nos (prochaines|futures) (commandes|collaborations|demandes)|for (any )?future (orders|work|projects)|nous en tiendrons compte|we will (bear|keep) (this|that) in mind|we'll (bear|keep) (this|that) in mind|nous prendrons note|noted for the future|retiendrons|nous nous en souviendrons|we will remember)\b`),
	r(Grievance, "grievance:stop_chasing", 2.5, `\b(arretez de (nous|me) (relancer|harceler|ecrire)|cessez de (nous|me) relancer|inutile de (nous|me) relancer|pas la peine de (nous|me) relancer|stop (chasing|hounding|harassing|sending (us|me) reminders|emailing)|no need to (chase|keep chasing|remind)|harcelement|harceler|harcele|harassment|harassing|hounding|pressure|pression|menace|menaces|threatening|threat)\b`),
	r(Grievance, "grievance:reminder_tone", 1.5, `\b(encore|deja|une autre|une deuxieme|une troisieme|another|yet another|a second|a third|un autre)( une| un)? (relance|rappel|reminder|chaser|mail de relance|lettre de relance)\b`),
	r(Grievance, "grievance:punctuation", 0.75, `(!!|\?!|!\?|\?\?)`),
	r(Grievance, "grievance:not_happy", 1.5, `\b(pas (content|contente|satisfait|satisfaite|ravi|ravie)|pas du tout (content|satisfait|ravi)|insatisfait|insatisfaite|mecontent|mecontente|mecontentement|dissatisfied|not (happy|satisfied|pleased|impressed)|unhappy|displeased|not impressed)\b`),

	// Sarcasm about how fast reminders come compared with the service.
	r(Grievance, "grievance:quick_to_chase", 3.0, `\b((bien|tres|si|plus|aussi|toujours|drolement|vachement) (rapides?|prompts?|reactifs?|efficaces?|presses?) (pour|a|quand il s'agit de) (relancer|envoyer (les|vos|des) (relances|factures|rappels)|facturer|reclamer|encaisser|demander)|(quick|fast|prompt|quicker|faster|swift|efficient) (to|at|with|when it comes to) (chase|chasing|send(ing)? (the |your |out )?(reminders|invoices|bills)|invoic\w+|bill\w*|ask(ing)? for (money|payment))|(great|perfect|nice|impeccable|excellent) timing|right on (schedule|time|cue)|arrives? (right )?on time|pile a l'heure|(reminder|relance|invoice|facture)s? (arrive|arrives|comes|come|tombe|tombent|arrivent) (right )?(on time|on schedule|a l'heure|pile))\b`),
	r(Grievance, "grievance:ignored", 2.0, `\b((couldn'?t|could not|didn'?t|did not|never|won'?t|wouldn'?t) (even )?(answer|reply to|respond to|return|pick up|acknowledge|deal with) (a single|one|any|my|our|the|a)? ?(tickets?|calls?|e-?mails?|mails?|messages?|phone|questions?|requests?|complaints?))\b`),
	r(Grievance, "grievance:waiting_on_you", 2.0, `\b((j'attends|nous attendons|on attend|attendons|i'?ve been waiting|we'?ve been waiting|been waiting|we are waiting|i am waiting|we'?re waiting|i'?m waiting) (toujours |still |encore )?(depuis|for) (des|plusieurs|trois|deux|quatre|\d+|weeks|months|two|three|four|over|more than|plus de)|(relance|rappel|reminder|chaser)s? (est |sont |is |are |has |have )?(arrivee?s?|arrived|came|comes|come)? ?(avant meme|before even|even before))\b`),
	r(Grievance, "grievance:unpleasant", 1.5, `\b(pas (tres |franchement |vraiment )?(agreable|sympa|correct|cool|elegant|delicat|pro)|not (very |exactly |really )?(nice|pleasant|professional|fair|ok|okay)|(je ne sais pas|i don'?t know|i wonder) (comment|how) (vous|you) (vous )?(organisez|travaillez|gerez|run|organi[sz]e|manage))\b`),
	r(Grievance, "grievance:unannounced", 1.5, `\b(sans (nous|me) (prevenir|avertir|informer|demander|consulter)|sans (aucun|le moindre) (preavis|avertissement|accord)|without (telling|warning|informing|asking|consulting|notifying) (us|me)|without (any )?(notice|warning))\b`),
	r(Grievance, "grievance:reconsider", 2.5, `\b((reflechir|repenser|reconsiderer|revoir|nous interroger|m'interroger|s'interroger)( a| sur)? (la suite (de|a donner a) )?(notre|cette|nos) (collaboration|relation|partenariat|relations)|(think about|rethink|reconsider|review|re-?evaluate) (our|the|this) (collaboration|relationship|partnership|contract|cooperation))\b`),
	r(Grievance, "grievance:appalling", 2.0, `\b(deplorable|deplorables|pitoyable|catastrophique|desastreux|desastreuse|inadmissible|appalling|awful|disgraceful|a disgrace|une honte|terrible|atrocious|dreadful|mess|bazar|porcherie)\b`).neg(),

	// --- info_request: the client needs something before paying.
	r(InfoRequest, "info:request_doc", 2.5, `\b(pourriez-vous|pouvez-vous|pourriez vous|pouvez vous|pourrais-tu|peux-tu|peux tu|merci de (me|nous) (renvoyer|envoyer|transmettre|faire parvenir|communiquer|indiquer|preciser|redonner|adresser)|pourrais-je avoir|pourrions-nous avoir|puis-je avoir|est-il possible d'avoir|serait-il possible (d'avoir|de recevoir|de me renvoyer|de nous renvoyer)|j'aurais besoin|nous aurions besoin|il me faudrait|il nous faudrait|could you|can you|would you|could we|can we|can i|could i|may i|may we|please (send|resend|provide|confirm|forward|share|re-send|email|let (me|us) (have|know))|i need|we need|i'd need|we'd need|need (a|the|your)|auriez-vous|avez-vous|est-ce que vous pourriez|envoyez-moi|renvoyez-moi|send me|send us|resend|re-send|renvoyer|renvoyez)\b.{0,80}\b(copie|duplicata|facture|pdf|rib|iban|bic|swift|coordonnees bancaires|coordonnees|bank details|banking details|account details|numero de commande|bon de commande|purchase order|po number|po|order number|adresse|address|releve|statement|justificatif|devis|quote|copy|invoice|siret|siren|tva|vat|reference|references|detail|details|breakdown|detaillee|itemi[sz]ed|bon de livraison|delivery note|proof of delivery|attestation|kbis|w-?9|certificate|lien de paiement|payment link|sort code|account number|numero de compte)\b`).except(reWrongContact),
	r(InfoRequest, "info:bank_details", 1.5, `\b(rib|iban|bic|swift|sort code|coordonnees bancaires|bank details|banking details|account number|numero de compte|bank account|compte bancaire|changed (your|their) bank|changement de (banque|rib))\b`),
	r(InfoRequest, "info:po_number", 1.5, `\b(bon de commande|numero de commande|n° de commande|purchase order|po number|p\.o\.|po ref|order number|numero d'engagement|engagement juridique|chorus( pro)?|code service|numero de tva|vat number|tax id|siret|numero de marche|reference (client|dossier|marche)|cost cent(er|re)|project code)\b`),
	r(InfoRequest, "info:copy", 2.0, `\b((une|la|votre|d'une) copie|copie (de la|de votre|du|de cette) (facture|pdf|document)|duplicata|copy of the invoice|copy of invoice|a copy|send (it|the invoice) again|resend (it|the invoice)|renvoyer (la|votre|cette) facture|(pas|jamais|never|not) (encore |yet )?(recu|received|got|eu)\b.{0,15}\b(la|votre|cette|de|the|your|this|any|an)? ?(facture|invoice)|(can'?t|cannot|couldn'?t|ne) (find|trouve (pas|plus)|trouvons (pas|plus)|retrouve (pas|plus)|retrouvons (pas|plus))\b.{0,20}\b(facture|invoice)|ne retrouve pas|lost (the|your) invoice|perdu (la|votre) facture|ne l'ai pas (recue|recu)|ne l'avons pas (recue|recu)|in our system|dans notre systeme|pas dans notre (systeme|logiciel|comptabilite))\b`),
	r(InfoRequest, "info:what_for", 2.0, `\b(a quoi correspond|a quoi se rapporte|de quoi s'agit|what is (this|it) for|what does (this|it) relate to|which (job|project|order|site|work|delivery|invoice|property|address|location|flat|house|account|contract|client)|(what|which) (does|do) (this|it|these) relate to|does (this|it) relate to|se rapporte (cette|la|votre) facture|(quel|quelle) (bien|logement|adresse|appartement|maison|site|client|contrat) (est|s'agit|concerne)|quel(le)? (chantier|commande|prestation|intervention|facture|projet|livraison)|pouvez-vous (me )?(preciser|expliquer|detailler)|could you (explain|clarify|detail)|can you (explain|clarify|detail)|je ne comprends pas|i don'?t understand|not sure what|pas sur de|je ne vois pas (a quoi|de quoi))\b`),
	r(InfoRequest, "info:billing_details", 1.5, `\b(adresse de facturation|billing address|invoice address|au nom de|made out to|addressed to|libellee a|libelle au nom|nom de la societe|company name|raison sociale|changer (le nom|l'adresse|l'intitule)|change the (name|address|company)|refaire la facture|reissue|re-issue|corrected invoice|facture corrigee|facture rectificative|mention obligatoire|mentions legales|tva intracommunautaire|numero de tva intra|reverse charge|autoliquidation)\b`),
	r(InfoRequest, "info:how_pay", 2.0, `\b(a qui (dois-je|devons-nous|faut-il)|to whom|where (do|should|can) (i|we) (send|pay)|ou (dois-je|devons-nous|faut-il) (envoyer|payer|regler)|comment (payer|regler|vous regler|proceder au (paiement|reglement))|how (do|can|should) (i|we) pay|how to pay|par carte|by card|by credit card|payment link|lien de paiement|par cheque ou|by cheque or|accept(ez|ed)? (les )?(cheques?|cartes?|paypal|cheques vacances)|paypal|quel (est votre|montant)|what (is|are) (your|the) (bank|amount|total|balance)|quel est le (montant|solde|reste)|how much (is|do)|combien (reste|dois|devons))\b`),
	r(InfoRequest, "info:question", 0.5, `\?`).with(`(facture|invoice|montant|amount|rib|iban|commande|order|devis|quote|adresse|address|paiement|payment|virement|transfer|reference|copie|copy|total|solde|balance)`),

	// A contact who left or is the wrong person: nothing to act on, even
	// when it is phrased as a request ("could you stop sending these").
	r(Other, "other:wrong_contact", 2.5, reWrongContact),

	// --- other: acknowledgements and hand-overs that change nothing.
	r(Other, "other:ack", 1.0, `^(ok|okay|d'accord|daccord|dac|merci|thanks|thank you|noted|bien recu|bien note|recu|vu|entendu|ca marche|parfait|compris|understood|got it|received|bonne reception|👍|tres bien|c'est note|note|acknowledged)\b`),
	r(Other, "other:handover", 1.5, `\b(je transmets|je transfere|transmis a|transfere a|je fais suivre|fait suivre|transmettre a|forwarding (this )?(to|on)|forwarded (this |it )?to|passed (this |it )?(on )?to|i'?ll pass (this|it) (on )?to|cc'?ing|en copie|mets en copie|notre (comptable|service comptable|service compta|compta|comptabilite|expert-comptable|tresorier|tresoriere|secretariat|gestionnaire)|our (accountant|accounts (team|department|payable)|finance (team|department)|bookkeeper|treasurer|office manager|pa)|je ne (suis|m'occupe) pas (de|en charge)|pas moi qui|not (me|the right person|in charge)|wrong person|mauvais interlocuteur|s'occupe de la (compta|facturation)|handles (the )?(payments|invoices|accounts))\b`),
	r(Other, "other:look_into", 1.0, `\b(je regarde|je vais regarder|nous regardons|nous allons regarder|je verifie|je vais verifier|nous verifions|nous allons verifier|je reviens vers vous|nous revenons vers vous|i'?ll (look|check|have a look|get back)|we'?ll (look|check|have a look|get back)|i will (look|check|get back)|we will (look|check|get back)|let me (check|look)|looking into it)\b`),
}

// sentence is one sentence of the reply, original and folded.
type sentence struct {
	orig, folded string
}

var reSentenceEnd = regexp.MustCompile(`[.!?]+(\s|$)|\n\s*\n`)

// Bounds on what is read. A reply's meaning sits in its first paragraphs;
// past these sizes the text is a pasted document or hostile input, and
// reading it all would only cost time (the rules look back from each match,
// so a sentence without end would be read quadratically).
const (
	maxJudged   = 16 << 10 // bytes of reply text judged
	maxSentence = 480      // bytes in one sentence before it is cut at a space
)

// sentences splits a reply into sentences. Paragraphs are split at blank
// lines, lines inside a paragraph joined (clients hard-wrap at 72 columns),
// then split after ".", "!" or "?" followed by a space.
func sentences(text string) []sentence {
	if len(text) > maxJudged {
		cut := maxJudged
		for cut > 0 && !utf8RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []sentence
	for _, para := range strings.Split(text, "\n\n") {
		lines := strings.Split(para, "\n")
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		p := strings.Join(lines, " ")
		last := 0
		for _, loc := range reSentenceEnd.FindAllStringIndex(p, -1) {
			addSentence(&out, p[last:loc[1]])
			last = loc[1]
		}
		addSentence(&out, p[last:])
	}
	return out
}

func addSentence(out *[]sentence, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	for len(s) > maxSentence {
		cut := strings.LastIndexByte(s[:maxSentence], ' ')
		if cut <= 0 {
			cut = maxSentence
			for cut > 0 && !utf8RuneStart(s[cut]) {
				cut--
			}
		}
		addSentence(out, s[:cut])
		s = strings.TrimSpace(s[cut:])
	}
	if s == "" {
		return
	}
	*out = append(*out, sentence{orig: s, folded: fixTypos(fold(s))})
}

// Frequent misspellings of the words the lexicon hinges on, typed on phones
// ("virement efectué", "paiment"). Folded forms only.
var (
	reTypo    = regexp.MustCompile(`\b(efectu|effetu|efffectu|virment|vierment|viremnt|virrement|paiment|paiemnt|payement|reglemnt|regelment|facure|factrue|cheqe|trasfer|tranfer|transfered|payed|recieved|recieve)`)
	typoFixes = map[string]string{
		"efectu": "effectu", "effetu": "effectu", "efffectu": "effectu", "virment": "virement", "vierment": "virement",
		"viremnt": "virement", "virrement": "virement", "paiment": "paiement", "paiemnt": "paiement", "payement": "paiement",
		"reglemnt": "reglement", "regelment": "reglement", "facure": "facture", "factrue": "facture", "cheqe": "cheque",
		"trasfer": "transfer", "tranfer": "transfer", "transfered": "transferred", "payed": "paid", "recieved": "received",
		"recieve": "receive",
	}
)

func fixTypos(s string) string {
	if !reTypo.MatchString(s) {
		return s
	}
	return reTypo.ReplaceAllStringFunc(s, func(w string) string { return typoFixes[w] })
}

// preceding returns the part of the clause before position i in s, within
// a short window: only its last words are ever read.
func preceding(s string, i int) string {
	start := max(0, i-precedingWindow)
	for start > 0 && !utf8RuneStart(s[start]) {
		start++
	}
	p := s[start:i]
	if locs := reClauseBreak.FindAllStringIndex(p, -1); len(locs) > 0 {
		p = p[locs[len(locs)-1][1]:]
	}
	return p
}

const precedingWindow = 96

// lastWords keeps the last n words of s.
func lastWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[len(f)-n:]
	}
	return strings.Join(f, " ")
}

// matchesAny reports whether the rule's pattern matches s anywhere.
func (x rule) matchesAny(s string) bool {
	if x.branches == nil {
		return x.re.MatchString(s)
	}
	for _, b := range x.branches {
		if mayMatch(b.lits, s) && b.regexp().MatchString(s) {
			return true
		}
	}
	return false
}

// findAll returns the matches of the rule's pattern in s, leftmost first.
func (x rule) findAll(s string) [][]int {
	if x.branches == nil {
		return x.re.FindAllStringIndex(s, -1)
	}
	var locs [][]int
	for _, b := range x.branches {
		if mayMatch(b.lits, s) {
			locs = append(locs, b.regexp().FindAllStringIndex(s, -1)...)
		}
	}
	sort.Slice(locs, func(i, j int) bool {
		return locs[i][0] < locs[j][0] || locs[i][0] == locs[j][0] && locs[i][1] > locs[j][1]
	})
	return locs
}

// fire reports whether x fires on the folded sentence s and at which
// position, and whether a firing was discounted (negated or future).
func (x rule) fire(s string) (loc []int, discounted string) {
	if !mayMatch(x.lits, s) {
		return nil, ""
	}
	if x.need != nil && !x.need.MatchString(s) {
		return nil, ""
	}
	locs := x.findAll(s)
	if len(locs) == 0 {
		return nil, ""
	}
	if x.unless != nil && x.unless.MatchString(s) && (x.unlessNot == nil || !x.unlessNot.MatchString(s)) {
		return nil, "context"
	}
	for _, loc := range locs {
		if x.inner && reNegation.MatchString(s[loc[0]:loc[1]]) {
			discounted = "negated"
			continue
		}
		before := lastWords(preceding(s, loc[0]), 4)
		if x.negatable && reNegation.MatchString(before) {
			discounted = "negated"
			continue
		}
		if x.past && reFuture.MatchString(lastWords(preceding(s, loc[0]), 3)) {
			discounted = "future"
			continue
		}
		return loc, ""
	}
	return nil, discounted
}

var reShortPaid = regexp.MustCompile(`^(c'?\s?est |ok,? c'?\s?est |ok |voila,? c'?\s?est |voila |bon,? )?(fait|regle|paye|vire|envoye|done|paid|sorted|sent|settled|all done|all sorted|payment (sent|made|done)|virement (fait|effectue|envoye|parti)|paiement (fait|effectue|envoye|parti))( merci| thanks| thx| bonne journee| cordialement)?$`)

// judge scores the human reply text and decides its class.
func judge(text string, ref time.Time, opt Options) Result {
	sents := sentences(text)
	var folded strings.Builder
	for _, s := range sents {
		folded.WriteString(s.folded)
		folded.WriteByte(' ')
	}
	all := folded.String()
	res := Result{Language: detectLanguage(all), Amounts: findAmounts(all)}

	// Dates first: a payment verb next to a future date is a promise even
	// in the present tense ("je vous règle le 15").
	dates := map[int][]dateMention{}
	future := map[int]bool{}
	for i, s := range sents {
		if ds := findDates(s.folded, ref); len(ds) > 0 {
			dates[i] = ds
			for _, d := range ds {
				if !ref.IsZero() && d.t.After(ref) && !d.dayOnly {
					future[i] = true
				}
			}
		}
	}
	// futureNear reports a firm future date right after a match: "réglé le
	// 15 décembre" is a plan, "paid yesterday, tell me if not there by
	// Friday" is not.
	futureNear := func(i int, loc []int) bool {
		for _, d := range dates[i] {
			if d.t.After(ref) && !d.dayOnly && d.start >= loc[0] && d.start-loc[1] <= 25 {
				return true
			}
		}
		return false
	}

	scores := map[Class]float64{}
	promiseSentences := map[int]bool{}
	paidSentences := map[int]bool{}
	for _, x := range lexicon {
		if !mayMatch(x.lits, all) {
			continue
		}
		// One pass over the whole reply rules out most rules: matching
		// sentence by sentence costs a fresh regexp machine per sentence.
		// Sentences are joined by spaces, so a match inside one sentence is
		// a match in the whole.
		if !x.anchored && !x.matchesAny(all) {
			continue
		}
		for i, s := range sents {
			loc, disc := x.fire(s.folded)
			ok := loc != nil
			if ok && x.past && futureNear(i, loc) {
				ok, disc = false, "future_date"
			}
			if ok && x.class == Promise && reConditional.MatchString(s.folded) {
				ok, disc = false, "conditional"
			}
			switch {
			case ok:
				scores[x.class] += x.weight
				res.Evidence = append(res.Evidence, Evidence{Sentence: clip(s.orig), Signal: x.signal, Weight: x.weight})
				if x.class == Promise || x.class == Hardship {
					promiseSentences[i] = true
				}
				if x.class == Paid {
					paidSentences[i] = true
				}
			case disc != "":
				res.Evidence = append(res.Evidence, Evidence{Sentence: clip(s.orig), Signal: disc + ":" + x.signal, Weight: 0})
			}
		}
	}

	// Short replies carry their meaning in one word: "Fait.", "Payé", "ok".
	if len(all) < 120 && reShortPaid.MatchString(strings.Trim(strings.TrimSpace(stripCourtesy(all)), " .!,")) {
		scores[Paid] += 2.5
		res.Evidence = append(res.Evidence, Evidence{Sentence: clip(strings.TrimSpace(text)), Signal: "paid:short_reply", Weight: 2.5})
	}

	// A future date next to payment words is a commitment.
	for i, s := range sents {
		if future[i] && !promiseSentences[i] && !paidSentences[i] && rePayWord.MatchString(s.folded) {
			scores[Promise] += 2.0
			promiseSentences[i] = true
			res.Evidence = append(res.Evidence, Evidence{Sentence: clip(s.orig), Signal: "promise:payment_dated", Weight: 2.0})
			continue
		}
		if !promiseSentences[i] {
			continue
		}
		for _, d := range dates[i] {
			if !ref.IsZero() && !d.t.Before(ref) {
				scores[Promise] += 1.0
				res.Evidence = append(res.Evidence, Evidence{Sentence: clip(sents[i].orig), Signal: "promise:dated", Weight: 1.0})
				break
			}
		}
	}

	res.Class, res.Confidence = decide(scores, opt)
	res.NeedsHuman = res.Class.NeedsHuman()
	if res.Class == Promise || res.Class == Hardship || res.Class == Paid && scores[Promise] > 0 {
		res.PromiseDate = pickPromiseDate(sents, dates, promiseSentences, ref, res.Class == Promise)
	}
	sort.SliceStable(res.Evidence, func(i, j int) bool { return res.Evidence[i].Weight > res.Evidence[j].Weight })
	return res
}

var rePayWord = regexp.MustCompile(`\b(paiements?|payer|payerai|payons|virements?|reglements?|regler|regle|versements?|cheques?|solde|payments?|pay|paying|transfers?|wire|checks?|settle|settlement|remittance)\b`)

var reCourtesy = regexp.MustCompile(`\b(bonjour|bonsoir|hello|hi|hey|dear|cher|chere|madame|monsieur|cordialement|bien cordialement|bien a vous|salutations|bonne (journee|soiree|fin de journee)|merci( beaucoup)?|thanks|thank you|thx|regards|best regards|kind regards|best|cheers|a bientot)\b[ ,.!]*`)

func stripCourtesy(s string) string {
	return reCourtesy.ReplaceAllString(s, "")
}

// decide turns class scores into a class and a confidence.
func decide(scores map[Class]float64, opt Options) (Class, float64) {
	human := []Class{Dispute, Hardship, Grievance} // tie order
	var bestH Class
	for _, c := range human {
		if scores[c] >= opt.HumanThreshold && (bestH == "" || scores[c] > scores[bestH]) {
			bestH = c
		}
	}
	if bestH != "" {
		return bestH, confidence(scores, bestH)
	}
	best, bestScore := Other, 0.0
	for _, c := range []Class{InfoRequest, Promise, Paid, Other} {
		if scores[c] > bestScore {
			best, bestScore = c, scores[c]
		}
	}
	if bestScore < opt.Threshold && best != Other {
		return Other, 0.4
	}
	if bestScore == 0 {
		return Other, 0.5
	}
	return best, confidence(scores, best)
}

func confidence(scores map[Class]float64, c Class) float64 {
	top, second := scores[c], 0.0
	for k, v := range scores {
		if k != c && v > second {
			second = v
		}
	}
	conf := 0.5 + 0.5*(top-second)/(top+1)
	if conf < 0.3 {
		conf = 0.3
	}
	if conf > 0.97 {
		conf = 0.97
	}
	return conf
}

// precision ranks date mentions: a written date, then a named day, then a
// span ("this week's batch on Thursday" commits to Thursday).
func precision(d dateMention) int {
	switch {
	case d.explicit:
		return 2
	case d.period:
		return 0
	}
	return 1
}

// pickPromiseDate chooses the committed date: a future date in a sentence
// that promises, explicit dates first, the latest when several.
func pickPromiseDate(sents []sentence, dates map[int][]dateMention, promise map[int]bool, ref time.Time, anySentence bool) *time.Time {
	if ref.IsZero() {
		return nil
	}
	choose := func(filter func(i int) bool) *time.Time {
		var best *dateMention
		for i := range sents {
			if !filter(i) {
				continue
			}
			for k := range dates[i] {
				d := &dates[i][k]
				if d.t.Before(ref) {
					continue
				}
				if best == nil || precision(*d) > precision(*best) || precision(*d) == precision(*best) && d.t.After(best.t) {
					best = d
				}
			}
		}
		if best == nil {
			return nil
		}
		t := best.t
		return &t
	}
	if t := choose(func(i int) bool { return promise[i] }); t != nil {
		return t
	}
	if anySentence {
		return choose(func(int) bool { return true })
	}
	return nil
}

// Function words of each language, folded. A word list and a map beat two
// large alternations run over the whole reply.
var (
	frenchWords  = wordSet("le la les des du un une est et je nous vous pas pour avec sur merci bonjour cordialement facture virement reglement demain semaine mois ce cette que qui dans sera avons ai")
	englishWords = wordSet("the and is are we you i not for with on thanks thank hi hello regards invoice payment will tomorrow week month this that it be have has paid of to")
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// detectLanguage guesses "fr" or "en" from function words; French wins ties
// as the product's home language. Words are runs of ASCII letters, digits
// and underscores, as for \b in the lexicon's patterns.
func detectLanguage(folded string) string {
	fr, en := 0, 0
	start := -1
	for i := 0; i <= len(folded); i++ {
		word := i < len(folded) && isWordByte(folded[i])
		if word && start < 0 {
			start = i
		}
		if !word && start >= 0 {
			w := folded[start:i]
			if frenchWords[w] {
				fr++
			}
			if englishWords[w] {
				en++
			}
			start = -1
		}
	}
	if en > fr {
		return "en"
	}
	return "fr"
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}
