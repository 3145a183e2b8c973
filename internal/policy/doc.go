// Package policy decides, for each client, the next step of the reminder
// ladder and when it may happen. It is pure: no I/O (except decoding a policy
// file handed in as bytes), no clock (the current instant is an argument), no
// state, so every rule can be table-tested.
//
// The pieces:
//
//   - Calendar: working days in the business's time zone — weekends, French
//     public holidays (github.com/rickar/cal/v2/fr), extra closed or open
//     days. Date arithmetic is done on civil dates, so DST changes never shift
//     a day.
//   - HoldUntil: a draft may leave at the review time of the first working day
//     strictly after the day it was made, so a human can always reread it.
//   - SendWindow: days of the week and hours when messages may leave.
//   - Ladder: stages at offsets (calendar days) from the due date; default
//     courtesy −3 (off), friendly +7, second +21 (offers a payment plan), call
//     task +30, formal notice +45 (always approved by a human), hand-off +60.
//   - Decide: one action per client, grouping its overdue invoices into one
//     message, catching up one stage at a time after downtime, pausing for
//     promises, payment claims, disputes, flags, out-of-office replies.
//     Tasks (a call, a hand-off) are steps, not walls: the next stage comes
//     on its date while they are open, and the draft lists them. Behaviour
//     signals inform (a broken promise is named in the next stage) and pause
//     only where behaviour_signals says so. A client's question comes first
//     (ActionAnswer); its invoices wait for the answer, and the next stage's
//     interval counts from it. An answer is made only for invoices still to
//     be paid (not claimed paid, disputed or settled). A ladder's repeat sends a message stage again
//     after the last stage, as stages numbered past the ladder.
//   - AfterTask: what a task's logged outcome does to its invoice.
//   - Courtesy mails, outside the ladder: PlanConfirmationDue (one written
//     confirmation per plan agreed), OnMissedInstalment (a reminder for a
//     plan's first missed instalment, a flag from the second), ThankYouDue,
//     and ShouldSendCourtesy, their re-check at the moment of sending.
//   - ShouldSend: the re-check at the moment of sending. An answer skips the
//     ladder's pauses but goes only while its question is open and its
//     invoice still to be paid; otherwise it is retired.
//   - Settle, RetryWaits, GiveUp: after a crash mid-send, whether the
//     message went (never sent twice: a copy in Sent whose fate SMTP cannot
//     tell counts as sent and is checked by a human); after a failure, when
//     to try again and when to stop and ask.
//   - SendTime: when an approved draft leaves (the first instant the hold,
//     unless a human lifted it with a reason, the minimum gap, an absence and
//     the send window allow; now for "send now"), as the web page and the
//     command line state it; ShouldSend applies the same rules.
//   - Quiet: a cancelled draft's "until when?" (a date, until the client
//     writes, never): no new reminder for the invoice before then.
//   - OwnsDraftCopy, EditMatches: a copy in the Drafts folder is this
//     installation's only by its key, and an edit is adopted only when it
//     goes to the draft's recipients and names its invoices.
//   - LatePenalties: L441-10 penalties split by half-year, D441-5 indemnity.
//   - FormalNotice: a formal notice's terms for the day it goes (the first
//     send slot after its hold): its date, penalties counted to that day, and
//     a payment deadline of formal_notice_deadline_days moved to a working day.
//
// # Policy file
//
// The policy file is JSON (config/policy.example.json documents every
// field). JSON was chosen over YAML to need no dependency beyond the standard
// library and to keep decoding strict: unknown fields are errors, and every
// validation error names its field by path, e.g.
// "policy: ladders.standard.stages[2].offset_days: must be greater than the
// previous stage's (21), got 14". Since JSON has no comments, objects accept a
// "comment" field that is ignored.
package policy
