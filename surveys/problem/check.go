package problem

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Report fields by their JSON names, the names a client sent.
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	return v
}

// Check runs the struct's validate tags and turns failures into a Validation
// keyed by the JSON path of each field ("job.when", "options[2]"), each with
// the one message of its rule.
func Check(v any) error {
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("validate: %w", err)
	}
	fields := make(map[string]string, len(verrs))
	for _, fe := range verrs {
		ns := fe.Namespace()
		if _, rest, ok := strings.Cut(ns, "."); ok {
			ns = rest
		}
		fields[ns] = ruleMessage(fe)
	}
	return &Validation{Fields: fields}
}

// Rule checks one value against a validate tag ("http_url", "email") and
// says what is wrong with it, in the words Check would use, or "".
func Rule(v any, tag string) string {
	err := validate.Var(v, tag)
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) && len(verrs) > 0 {
		return ruleMessage(verrs[0])
	}
	if err != nil {
		return "is not valid"
	}
	return ""
}

func ruleMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "required_without":
		return "is required"
	case "email":
		return "must be an email address"
	case "min":
		return bound(fe, "at least")
	case "max":
		return bound(fe, "at most")
	case "gte":
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "http_url":
		return "must be an http(s) URL"
	}
	return "is not valid (" + fe.Tag() + ")"
}

// bound words a min or max rule by what it bounds: a text's length, a
// list's items, or a number.
func bound(fe validator.FieldError, limit string) string {
	switch fe.Kind() {
	case reflect.String:
		return fmt.Sprintf("must be %s %s characters", limit, fe.Param())
	case reflect.Slice:
		return fmt.Sprintf("must have %s %s items", limit, fe.Param())
	}
	return "must be " + limit + " " + fe.Param()
}
