#!/usr/bin/env python3
"""Builds the labelled reply corpus (.eml files) from writers' JSON Lines records.

Usage: mkeml.py STAGING_DIR OUT_DIR

STAGING_DIR holds one folder per writer (w01, w02, ...) of batch-*.jsonl files (fields documented in
internal/classify/testdata/replies/README.md). Each record becomes OUT_DIR/<writer>/<id>.eml: the mail as the
client's program would send it (charset, transfer encoding, plain / HTML-only / multipart alternative), with the
labels in X-Label* headers, which the classifier never reads. Deterministic: the same records give the same bytes.
"""
import base64, email.header, email.utils, quopri, hashlib, json, os, glob, sys

def encode_body(text, cs, te):
    raw = text.replace("\r\n", "\n").encode(cs)
    if te == "quoted-printable":
        return quopri.encodestring(raw)
    if te == "base64":
        return base64.encodebytes(raw)
    return raw if raw.endswith(b"\n") else raw + b"\n"

def part(text, subtype, cs, te):
    head = 'Content-Type: text/%s; charset="%s"\nContent-Transfer-Encoding: %s\n\n' % (subtype, cs, te)
    return head.encode("ascii") + encode_body(text, cs, te)

def header_value(v):
    return v if v.isascii() else email.header.Header(v, "utf-8").encode()

# Writers of the rest of a business INBOX (mail that is not a client's answer about paying): their mails are
# measured apart from the replies.
INBOX_WRITERS = {"w15", "w16"}

def build(rec, writer):
    cs, te = rec["charset"], rec["transfer_encoding"]
    body = rec["body"]
    if rec["format"] == "plain":
        mime = part(body, "plain", cs, te)
    elif rec["format"] == "html_only":
        mime = part(rec["html"], "html", cs, te)
    else:
        b = "=_alt_" + hashlib.sha1(rec["id"].encode()).hexdigest()[:16]
        mime = ('Content-Type: multipart/alternative; boundary="%s"\n\n' % b).encode()
        mime += ("--%s\n" % b).encode() + part(body, "plain", cs, te)
        mime += ("\n--%s\n" % b).encode() + part(rec["html"], "html", cs, te)
        mime += ("\n--%s--\n" % b).encode()
    h = lambda name, addr: email.utils.formataddr((name, addr), charset="utf-8")
    head = [("From", h(rec["from_name"], rec["from_email"])), ("To", h(rec["to_name"], rec["to_email"])),
            ("Date", rec["date"]), ("Subject", header_value(rec["subject"])),
            ("Message-ID", "<%s@%s>" % (rec["id"], rec["from_email"].split("@")[-1])), ("MIME-Version", "1.0")]
    digest = int(hashlib.sha1(rec["id"].encode()).hexdigest(), 16)
    if rec["label"] == "auto_reply" and digest % 2 == 0:
        # Half of the automatic answers carry the header their programs add; the others are bare text.
        head.append(("Auto-Submitted", "auto-replied"))
    if not rec["subject"].lower().startswith(("tr", "fw", "fwd")) and digest % 5 != 0:
        head.append(("In-Reply-To", "<reminder-%s@%s>" % (rec["id"], rec["to_email"].split("@")[-1])))
    head += [("X-Label", rec["label"]), ("X-Label-Writer", writer), ("X-Label-Language", rec["language"]),
             ("X-Label-Set", "inbox" if writer in INBOX_WRITERS else "reply")]
    if rec.get("promise_date"): head.append(("X-Label-Promise", rec["promise_date"]))
    if rec.get("return_date"): head.append(("X-Label-Return", rec["return_date"]))
    if rec.get("objection"): head.append(("X-Label-Objection", rec["objection"]))
    if rec.get("hard"): head.append(("X-Label-Hard", "true"))
    out = "".join("%s: %s\n" % (k, v) for k, v in head)
    return out.encode("ascii") + mime

def main():
    src, dst = sys.argv[1], sys.argv[2]
    n = 0
    for wdir in sorted(glob.glob(os.path.join(src, "w[0-9]*"))):
        writer = os.path.basename(wdir)
        recs = []
        for f in sorted(glob.glob(os.path.join(wdir, "*.jsonl"))):
            for line in open(f, encoding="utf-8"):
                if line.strip():
                    recs.append(json.loads(line))
        if not recs:
            continue
        os.makedirs(os.path.join(dst, writer), exist_ok=True)
        for rec in recs:
            name = os.path.join(dst, writer, rec["id"] + ".eml")
            with open(name, "wb") as fh:
                fh.write(build(rec, writer))
            n += 1
    print("wrote", n, "messages")

if __name__ == "__main__":
    main()
