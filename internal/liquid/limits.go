package liquid

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/values"
)

// The limits on values. Output is bounded where it is written (see
// limitedBuffer), but a value can grow without ever being written: an
// {% assign s = s | append: s %} in a loop doubles s at every iteration,
// and a capture renders into a buffer of the library's own. So every
// filter's result is measured, and captures render into a limited buffer.

// errValueTooLarge is the error of a filter whose result is over the value
// limit.
type errValueTooLarge struct {
	filter string
	limit  int
}

func (e *errValueTooLarge) Error() string {
	return fmt.Sprintf("%s: the result is more than %s long; does a loop repeat more than intended?", e.filter, byteSize(e.limit))
}

var (
	anyType   = reflect.TypeFor[any]()
	errorType = reflect.TypeFor[error]()
)

// limitFilter returns fn wrapped so that a result larger than limit()
// becomes an error instead. The wrapper takes the same parameters (the
// library converts arguments and recognises closure parameters by their
// types) and returns (any, error), which the library accepts from any
// filter. List parameters are the exception: the wrapper takes them as
// they come and converts them itself, after measuring, because the library
// would turn a range such as (1..1000000000) into a list of a billion
// items before any filter could refuse it.
func limitFilter(name string, fn any, limit func() int) any {
	rf := reflect.ValueOf(fn)
	rt := rf.Type()
	if rt.Kind() != reflect.Func {
		return fn // the library panics on it, with its own message
	}
	in := make([]reflect.Type, rt.NumIn())
	lists := make([]bool, rt.NumIn())
	for i := range in {
		in[i] = rt.In(i)
		if k := in[i].Kind(); (k == reflect.Slice || k == reflect.Array) && !(rt.IsVariadic() && i == len(in)-1) {
			in[i], lists[i] = anyType, true
		}
	}
	wt := reflect.FuncOf(in, []reflect.Type{anyType, errorType}, rt.IsVariadic())
	fail := func(err error) []reflect.Value {
		return []reflect.Value{reflect.Zero(anyType), convertTo(reflect.ValueOf(err), errorType)}
	}
	return reflect.MakeFunc(wt, func(args []reflect.Value) []reflect.Value {
		for i, isList := range lists {
			if !isList {
				continue
			}
			arg, err := listArgument(args[i], rt.In(i), limit())
			if err != nil {
				if errors.Is(err, errTooLong) {
					err = &errValueTooLarge{filter: name, limit: limit()}
				}
				return fail(err)
			}
			args[i] = arg
		}
		var out []reflect.Value
		if rt.IsVariadic() {
			out = rf.CallSlice(args)
		} else {
			out = rf.Call(args)
		}
		if len(out) > 1 && !out[1].IsNil() {
			return []reflect.Value{reflect.Zero(anyType), convertTo(out[1], errorType)}
		}
		if n := limit(); valueSize(out[0]) > n {
			return fail(&errValueTooLarge{filter: name, limit: n})
		}
		return []reflect.Value{convertTo(out[0], anyType), reflect.Zero(errorType)}
	}).Interface()
}

// errTooLong is listArgument's error for a range longer than the limit.
var errTooLong = errors.New("too long")

// listArgument converts a filter's list argument to the type the filter
// takes, as the library would have, refusing first a range longer than
// limit.
func listArgument(arg reflect.Value, t reflect.Type, limit int) (reflect.Value, error) {
	var v any
	if arg.IsValid() && !(arg.Kind() == reflect.Interface && arg.IsNil()) {
		v = arg.Interface()
	}
	if r, ok := v.(values.Range); ok && r.Len() > limit {
		return reflect.Value{}, errTooLong
	}
	converted, err := values.Convert(v, t)
	if err != nil {
		return reflect.Value{}, err
	}
	if converted == nil {
		return reflect.Zero(t), nil
	}
	return reflect.ValueOf(converted), nil
}

// convertTo returns v as a value of type t (an interface v implements), as
// reflect.MakeFunc requires results of the declared types.
func convertTo(v reflect.Value, t reflect.Type) reflect.Value {
	if v.Type() == t {
		return v
	}
	out := reflect.New(t).Elem()
	out.Set(v)
	return out
}

// valueSize measures a value against the value limit: the bytes of a
// string, or the elements of a list or map plus the bytes of the strings
// in it. Deeper nesting counts by elements only; building it takes a loop
// per level, which the iteration limit bounds.
func valueSize(v reflect.Value) int {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) {
		if v.IsNil() {
			return 0
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return 0
	}
	switch v.Kind() {
	case reflect.String:
		return v.Len()
	case reflect.Slice, reflect.Array:
		n := v.Len()
		for i := range v.Len() {
			e := v.Index(i)
			if e.Kind() == reflect.Interface && !e.IsNil() {
				e = e.Elem()
			}
			if e.Kind() == reflect.String {
				n += e.Len()
			}
		}
		return n
	case reflect.Map:
		return v.Len()
	}
	return 0
}

// tooLarge reports whether err comes from a value over the limit, and its
// message.
func tooLarge(err error) (string, bool) {
	for depth := 0; err != nil && depth < 32; depth++ {
		var e *errValueTooLarge
		if errors.As(err, &e) {
			return e.Error(), true
		}
		// The library's filter errors keep the cause in a field.
		var fe expressions.FilterError
		if errors.As(err, &fe) {
			err = fe.Err
			continue
		}
		c, ok := err.(interface{ Cause() error })
		if !ok {
			return "", false
		}
		err = c.Cause()
	}
	return "", false
}

// captureTag is the block that compile puts in place of every capture. Its
// name cannot collide with a tag an author would write.
const captureTag = "__weeknotes_capture"

// captureCompiler compiles the engine's capture. The library's renders its
// body into an unbounded buffer; this one renders it into a limited one.
// The library offers no way to replace a standard tag, so compile puts
// copies of this block, carrying each capture's arguments and body, in
// place of the library's.
func (e *Engine) captureCompiler(render.BlockNode) (func(io.Writer, render.Context) error, error) {
	return func(_ io.Writer, ctx render.Context) error {
		s, err := innerString(ctx)
		if err != nil {
			return err
		}
		ctx.Set(strings.TrimSpace(ctx.TagArgs()), s)
		return nil
	}, nil
}

// innerString renders the current block's body into a limited buffer, as
// capture and highlight need it. Its bytes count against the body's output
// only while it renders: afterwards they are a value, which the value
// limit bounds.
func innerString(ctx render.Context) (string, error) {
	st, err := stateOf(ctx)
	if err != nil {
		return "", err
	}
	r := st.out
	buf := &limitedBuffer{r: r}
	rerr := ctx.RenderChildren(buf)
	r.work.held -= buf.buf.Len()
	if r.work.over != "" {
		return "", st.checkLimits(ctx)
	}
	if rerr != nil {
		return "", rerr
	}
	return buf.buf.String(), nil
}
