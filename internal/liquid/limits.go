package liquid

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/render"
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
// filter.
func limitFilter(name string, fn any, limit func() int) any {
	rf := reflect.ValueOf(fn)
	rt := rf.Type()
	if rt.Kind() != reflect.Func {
		return fn // the library panics on it, with its own message
	}
	in := make([]reflect.Type, rt.NumIn())
	for i := range in {
		in[i] = rt.In(i)
	}
	wt := reflect.FuncOf(in, []reflect.Type{anyType, errorType}, rt.IsVariadic())
	return reflect.MakeFunc(wt, func(args []reflect.Value) []reflect.Value {
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
			err := &errValueTooLarge{filter: name, limit: n}
			return []reflect.Value{reflect.Zero(anyType), convertTo(reflect.ValueOf(err), errorType)}
		}
		return []reflect.Value{convertTo(out[0], anyType), reflect.Zero(errorType)}
	}).Interface()
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
