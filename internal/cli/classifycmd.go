package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/engine"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/store"
)

func cmdClassify(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "classify")
	fs.Bool("json", true, "one JSON object per line (the only output format)")
	db := fs.String("db", "", "read with this store's model: the shipped one with the owner's corrections (default: the shipped model)")
	files, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(env.Stderr, "relance classify: no file given")
		fs.Usage()
		return ExitUsage
	}
	// The command line shows every reading, the stock objection included.
	opt := classify.Options{ReadObjection: true}
	if *db != "" {
		st, code := openStore(ctx, env, *db)
		if st == nil {
			return code
		}
		m, _, err := engine.LocalModel(ctx, st)
		st.Close()
		if err != nil {
			return errorf(env, "%v", err)
		}
		opt.Model = m
	}
	exit := ExitOK
	for _, name := range files {
		m, err := readMail(name)
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance classify: %v\n", err)
			exit = ExitError
			continue
		}
		line, err := classify.Classify(m, opt).JSON(name)
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance classify: %s: %v\n", name, err)
			exit = ExitError
			continue
		}
		fmt.Fprintf(env.Stdout, "%s\n", line)
	}
	return exit
}

func readMail(name string) (*message.Message, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := message.Parse(f, message.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// cmdLearn records the owner's reading of a reply. A reply relance has
// recorded (named by its number in the store, its Message-ID, or its .eml
// file) changes at once: its invoice's state, its flags, an event. A file
// relance has never seen only shapes later readings.
func cmdLearn(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "learn")
	promiseFlag := fs.String("promise-date", "", "the date the client committed to, YYYY-MM-DD (for a promise)")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		fmt.Fprintln(env.Stderr, "relance learn: needs a reply (FILE.eml, a message number or a Message-ID) and a class")
		fs.Usage()
		return ExitUsage
	}
	target, class := pos[0], classify.Class(pos[1])
	valid := false
	for _, c := range classify.Classes() {
		valid = valid || c == class
	}
	if !valid {
		fmt.Fprintf(env.Stderr, "relance learn: unknown class %q; one of %s\n", class, classNames())
		return ExitUsage
	}
	var promise time.Time
	if *promiseFlag != "" {
		t, err := time.Parse(time.DateOnly, *promiseFlag)
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance learn: --promise-date: want YYYY-MM-DD, got %q\n", *promiseFlag)
			return ExitUsage
		}
		if class != classify.Promise {
			fmt.Fprintf(env.Stderr, "relance learn: --promise-date goes with the class promise, not %s\n", class)
			return ExitUsage
		}
		promise = t
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()

	// Which reply: a file (then perhaps the stored reply with its
	// Message-ID), a stored message number, or a Message-ID.
	var msgID int64
	var file *message.Message
	if _, err := os.Stat(target); err == nil {
		m, err := readMail(target)
		if err != nil {
			return errorf(env, "%v", err)
		}
		file = m
		if m.MessageID != "" {
			id, err := st.ReplyByMessageID(ctx, m.MessageID)
			switch {
			case err == nil:
				msgID = id
			case !errors.Is(err, store.ErrNotFound):
				return errorf(env, "%v", err)
			}
		}
	} else if n, err := strconv.ParseInt(target, 10, 64); err == nil {
		msgID = n
	} else {
		id, err := st.ReplyByMessageID(ctx, target)
		if err != nil {
			return errorf(env, "no file and no stored reply named %q", target)
		}
		msgID = id
	}

	now := env.Now()
	if msgID == 0 {
		words, _ := classify.ReplyText(file.Text)
		err := st.Update(ctx, now, func(tx *store.Tx) error {
			_, err := tx.AddCorrection(words, file.Subject, file.Date, string(class), promise, domain.ActorCLI)
			return err
		})
		if err != nil {
			return errorf(env, "%v", err)
		}
		fmt.Fprintf(env.Stdout, "learnt: %s reads as %s (not a reply relance has recorded: later readings only)\n", target, class)
		return ExitOK
	}
	var res store.CorrectionResult
	err := st.Update(ctx, now, func(tx *store.Tx) error {
		var err error
		res, err = tx.CorrectReading(msgID, class, promise, domain.ActorCLI)
		return err
	})
	if err != nil {
		return errorf(env, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "learnt: reply %d reads as %s", msgID, class)
	for inv, ch := range res.States {
		fmt.Fprintf(env.Stdout, "; invoice %d %s → %s", inv, ch[0], ch[1])
	}
	if len(res.FlagsClosed) > 0 {
		fmt.Fprintf(env.Stdout, "; flags closed %v", res.FlagsClosed)
	}
	if res.FlagOpened != 0 {
		fmt.Fprintf(env.Stdout, "; flag %d opened", res.FlagOpened)
	}
	fmt.Fprintln(env.Stdout)
	return ExitOK
}

func classNames() string {
	var names []string
	for _, c := range classify.Classes() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}
