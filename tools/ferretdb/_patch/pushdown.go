// This file is the project's own, added to FerretDB's SQLite backend at build time (src/store/embedded.ts).
// FerretDB 1.x is end-of-life; see the README's "Embedded store" section.

package sqlite

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// pushdownWhere turns what it understands of a filter into a WHERE clause on the same expressions as
// the indexes createIndexes makes (_ferretdb_sjson->"field"), so SQLite answers from an index instead of
// reading the whole table. The clause selects every document the filter matches, and maybe more: the
// handler applies the whole filter again to what comes back. Anything not understood is left out, which
// only makes the selection larger, never smaller:
//
//   - a top-level field equal to a string, an ObjectId or a boolean, or `$eq` / `$in` of those: the
//     value's JSON text, or an array (its text starts with "[", and an array containing the value
//     matches too); strings only of printable ASCII without quotes, backslashes or the characters JSON
//     encoders escape, so that the stored text is exactly the marshalled one;
//   - a date between a lower (`$gt`/`$gte`) and an upper bound (`$lt`/`$lte`): dates are stored as
//     milliseconds and compared here as text, which orders like numbers between two 13-digit bounds
//     (2001-09-09 to 2286-11-20): a stored date outside them is outside both ways. A bound alone is not
//     pushed down (a date after 2286 has 14 digits and sorts as text below a 13-digit lower bound);
//   - `$and` of such filters, and `$or` when each branch has something to push down;
//   - a top-level field equal to null: missing (SQL NULL), a stored null, or an array;
//   - `_id` as before (never an array).
//
// Everything else (dotted paths, numbers, regular expressions, `$ne`, `$exists`, ...) is not pushed down.
func pushdownWhere(filter *types.Document, selectClause string, meta *metadata.Collection) (string, []any) {
	conds := pushdownConds(filter, 0)
	if len(conds) == 0 {
		return "", nil
	}

	// A field that leads an index and may hold an array is answered in two selects: its scalar value
	// from that index (with the other conditions, a compound index serves them all), and apart, the
	// documents where it is an array. Written as one OR, SQLite could use no compound index.
	leading := map[string]bool{}
	if !meta.Capped() {
		for _, index := range meta.Settings.Indexes {
			if len(index.Key) > 0 {
				leading[index.Key[0].Field] = true
			}
		}
	}

	var split []int
	for i, c := range conds {
		if c.array != "" && leading[c.field] {
			split = append(split, i)
		}
	}

	// In the select of one field's arrays, only that field's index serves: the other conditions' columns
	// are written `+column`, which SQLite never answers from an index (they are then checked row by row).
	branch := func(scalarOnly map[int]bool, arrayOf int) (string, []any) {
		var parts []string
		var args []any
		for i, c := range conds {
			text := c.scalar
			if c.array != "" && !scalarOnly[i] {
				text = "(" + c.scalar + " OR " + c.array + ")"
			}
			switch {
			case i == arrayOf:
				parts = append(parts, c.array)
				continue
			case arrayOf >= 0 && c.column != "":
				text = strings.ReplaceAll(text, c.column, "+"+c.column)
			}
			parts = append(parts, text)
			args = append(args, c.args...)
		}
		return " WHERE " + strings.Join(parts, " AND "), args
	}

	scalarOnly := map[int]bool{}
	for _, i := range split {
		scalarOnly[i] = true
	}
	where, args := branch(scalarOnly, -1)
	for _, i := range split {
		w, a := branch(nil, i)
		where += " UNION " + selectClause + w
		args = append(args, a...)
	}

	return where, args
}

// condition is what a filter's part becomes: `scalar` (with its args) selects the matching values
// that are not arrays, `array` (no args) the documents where the field is an array ("" when none
// can be: `_id`, or a combined condition that already includes them).
type condition struct {
	field  string
	column string
	scalar string
	array  string
	args   []any
}

func pushdownConds(filter *types.Document, depth int) []condition {
	if filter == nil || depth > 4 {
		return nil
	}

	var conds []condition

	keys, values := filter.Keys(), filter.Values()
	for i, key := range keys {
		switch key {
		case "$and", "$or":
			branches, ok := values[i].(*types.Array)
			if !ok || branches.Len() == 0 {
				continue
			}

			var found [][]condition
			complete := true

			for j := 0; j < branches.Len(); j++ {
				branch, ok := must.NotFail(branches.Get(j)).(*types.Document)
				if !ok {
					complete = false
					continue
				}

				c := pushdownConds(branch, depth+1)
				if len(c) == 0 {
					complete = false
					continue
				}

				found = append(found, c)
			}

			switch {
			case key == "$and":
				for _, c := range found {
					conds = append(conds, c...)
				}
			case key == "$or" && complete:
				var parts []string
				var args []any
				for _, c := range found {
					text, a := joined(c)
					parts = append(parts, "("+text+")")
					args = append(args, a...)
				}
				conds = append(conds, condition{scalar: "(" + strings.Join(parts, " OR ") + ")", args: args})
			}

			continue
		}

		if key == "" || strings.HasPrefix(key, "$") || strings.Contains(key, ".") || !safeText(key) {
			continue
		}

		column := fmt.Sprintf("%s->%q", metadata.DefaultColumn, key)
		if key == "_id" {
			column = metadata.IDColumn
		}

		if scalar, args := fieldCond(column, key == "_id", values[i]); scalar != "" {
			c := condition{field: key, column: column, scalar: scalar, args: args}
			if key != "_id" {
				// An array's JSON text starts with "[" (0x5B); "\" (0x5C) is the next character.
				c.array = fmt.Sprintf(`(%s >= '[' AND %s < '\')`, column, column)
			}
			conds = append(conds, c)
		}
	}

	return conds
}

// joined is conditions ANDed into one clause, arrays included.
func joined(conds []condition) (string, []any) {
	var parts []string
	var args []any
	for _, c := range conds {
		if c.array == "" {
			parts = append(parts, c.scalar)
		} else {
			parts = append(parts, "("+c.scalar+" OR "+c.array+")")
		}
		args = append(args, c.args...)
	}
	return strings.Join(parts, " AND "), args
}

// fieldCond is the condition on one top-level field's scalar values, or "" when the value is not understood.
func fieldCond(column string, isID bool, value any) (string, []any) {

	if text, ok := equalityText(value); ok {
		return column + " = ?", []any{text}
	}

	// null matches a missing field (SQL NULL from ->), a stored null, or an array holding null.
	if _, ok := value.(types.NullType); ok && !isID {
		return fmt.Sprintf("(%s IS NULL OR %s = 'null')", column, column), nil
	}

	ops, ok := value.(*types.Document)
	if !ok || ops.Len() == 0 {
		return "", nil
	}

	if ops.Len() == 1 && ops.Has("$eq") {
		return fieldCond(column, isID, must.NotFail(ops.Get("$eq")))
	}

	if ops.Len() == 1 && ops.Has("$in") {
		list, ok := must.NotFail(ops.Get("$in")).(*types.Array)
		if !ok || list.Len() == 0 {
			return "", nil
		}

		args := make([]any, list.Len())
		for j := 0; j < list.Len(); j++ {
			text, ok := equalityText(must.NotFail(list.Get(j)))
			if !ok {
				return "", nil
			}
			args[j] = text
		}

		return fmt.Sprintf("%s IN (%s)", column, strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")), args
	}

	var lower, upper string
	for _, op := range ops.Keys() {
		bound, ok := dateText(must.NotFail(ops.Get(op)))
		switch {
		case !ok:
			return "", nil
		case op == "$gt" || op == "$gte":
			lower = bound
		case op == "$lt" || op == "$lte":
			upper = bound
		default:
			return "", nil
		}
	}

	if lower == "" || upper == "" {
		return "", nil
	}

	return fmt.Sprintf("(%s >= ? AND %s <= ?)", column, column), []any{lower, upper}
}

// equalityText is the stored JSON text of a value compared for equality, when it can be trusted.
func equalityText(value any) (string, bool) {
	switch v := value.(type) {
	case string:
		if !safeText(v) {
			return "", false
		}
		return string(must.NotFail(sjson.MarshalSingleValue(v))), true
	case types.ObjectID:
		return string(must.NotFail(sjson.MarshalSingleValue(v))), true
	case bool:
		return strconv.FormatBool(v), true
	default:
		return "", false
	}
}

// dateText is a date's stored text (milliseconds) when it has exactly 13 digits.
func dateText(value any) (string, bool) {
	t, ok := value.(time.Time)
	if !ok {
		return "", false
	}

	text := strconv.FormatInt(t.UnixMilli(), 10)

	return text, len(text) == 13
}

// safeText: printable ASCII that JSON encoders write as is (no quote, backslash, <, > or &).
func safeText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}

	return true
}
