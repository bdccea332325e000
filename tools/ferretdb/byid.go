package main

// FerretDB 1.24's SQLite backend pushes down only a bare `{_id: X}` filter; any other filter reads the
// whole collection. The application's compare-and-set updates name the document by _id and add
// conditions (`{_id: X, status: "queued"}`), so each one scanned its collection. Holding the exclusive
// lock (serialize.go), the proxy fetches the document by _id alone, checks the other conditions here,
// and either answers "no match" itself or forwards the command with the filter reduced to `{_id: X}`:
// the same result, still atomic, at the cost of an _id lookup. A filter with anything this matcher does
// not know (arrays, documents compared whole, other operators, collation, upserts) is forwarded as it was.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

var errUnsupported = errors.New("filter not handled here")

var nextRequestID atomic.Int32

func init() { nextRequestID.Store(1 << 30) }

// byIDPlan is what a compare-and-set command becomes: a lookup by _id, then a reply or a forward.
type byIDPlan struct {
	db, collection string
	id             bson.RawValue
	rest           bson.Raw // the filter without _id
	requestID      int32
	rewrite        func() ([]byte, error) // the command with the filter reduced to {_id}
	noMatchReply   bson.D
}

// planByID recognises a findAndModify or single-statement update by _id with other conditions.
func planByID(message []byte) (*byIDPlan, error) {
	if opCode(message) != opMsg || msgFlags(message) != 0 || len(message) < 21 || message[20] != 0 {
		return nil, errUnsupported
	}
	bodyLen := int(int32(binary.LittleEndian.Uint32(message[21:25])))
	if 21+bodyLen != len(message) { // exactly one section, the body: no document sequences
		return nil, errUnsupported
	}
	body := bson.Raw(message[21 : 21+bodyLen])
	elements, err := body.Elements()
	if err != nil || len(elements) == 0 {
		return nil, errUnsupported
	}
	plan := &byIDPlan{requestID: int32(binary.LittleEndian.Uint32(message[4:8]))}
	command := elements[0].Key()
	collection, ok := elements[0].Value().StringValueOK()
	if !ok {
		return nil, errUnsupported
	}
	plan.collection = collection
	db, ok := body.Lookup("$db").StringValueOK()
	if !ok {
		return nil, errUnsupported
	}
	plan.db = db
	if _, err := body.LookupErr("collation"); err == nil {
		return nil, errUnsupported
	}

	switch command {
	case "findAndModify", "findandmodify":
		if truthy(body.Lookup("upsert")) || truthy(body.Lookup("remove")) {
			return nil, errUnsupported
		}
		query, ok := body.Lookup("query").DocumentOK()
		if !ok {
			return nil, errUnsupported
		}
		if err := plan.splitFilter(query); err != nil {
			return nil, err
		}
		plan.noMatchReply = bson.D{{Key: "lastErrorObject", Value: bson.D{{Key: "n", Value: int32(0)}, {Key: "updatedExisting", Value: false}}}, {Key: "value", Value: nil}, {Key: "ok", Value: float64(1)}}
		plan.rewrite = func() ([]byte, error) {
			return rebuild(message, body, func(key string, value bson.RawValue) (any, bool) {
				if key == "query" {
					return bson.D{{Key: "_id", Value: plan.id}}, true
				}
				return nil, false
			})
		}
	case "update":
		updates, ok := body.Lookup("updates").ArrayOK()
		if !ok {
			return nil, errUnsupported
		}
		statements, err := updates.Values()
		if err != nil || len(statements) != 1 {
			return nil, errUnsupported
		}
		statement, ok := statements[0].DocumentOK()
		if !ok || truthy(statement.Lookup("upsert")) {
			return nil, errUnsupported
		}
		if _, err := statement.LookupErr("collation"); err == nil {
			return nil, errUnsupported
		}
		q, ok := statement.Lookup("q").DocumentOK()
		if !ok {
			return nil, errUnsupported
		}
		if err := plan.splitFilter(q); err != nil {
			return nil, err
		}
		plan.noMatchReply = bson.D{{Key: "n", Value: int32(0)}, {Key: "nModified", Value: int32(0)}, {Key: "ok", Value: float64(1)}}
		plan.rewrite = func() ([]byte, error) {
			return rebuild(message, body, func(key string, value bson.RawValue) (any, bool) {
				if key != "updates" {
					return nil, false
				}
				stmt := bson.D{}
				elems, _ := statement.Elements()
				for _, e := range elems {
					if e.Key() == "q" {
						stmt = append(stmt, bson.E{Key: "q", Value: bson.D{{Key: "_id", Value: plan.id}}})
					} else {
						stmt = append(stmt, bson.E{Key: e.Key(), Value: e.Value()})
					}
				}
				return bson.A{stmt}, true
			})
		}
	default:
		return nil, errUnsupported
	}
	return plan, nil
}

// splitFilter keeps the _id (a plain value) apart from the other conditions, which must exist.
func (p *byIDPlan) splitFilter(filter bson.Raw) error {
	elements, err := filter.Elements()
	if err != nil {
		return errUnsupported
	}
	rest := bson.D{}
	found := false
	for _, e := range elements {
		if e.Key() == "_id" {
			switch e.Value().Type {
			case bsontype.ObjectID, bsontype.String, bsontype.Int32, bsontype.Int64:
				p.id = e.Value()
				found = true
			default:
				return errUnsupported
			}
			continue
		}
		rest = append(rest, bson.E{Key: e.Key(), Value: e.Value()})
	}
	if !found || len(rest) == 0 {
		return errUnsupported // no _id, or nothing but _id (FerretDB handles that one itself)
	}
	raw, err := bson.Marshal(rest)
	if err != nil {
		return errUnsupported
	}
	p.rest = raw
	return nil
}

// run decides, holding the write lock: the reply to send back, or the request to forward.
func (p *byIDPlan) run(server io.Writer, read func() ([]byte, error)) (reply []byte, forward []byte, err error) {
	find, err := opMsgBody(nextRequestID.Add(1), 0, bson.D{
		{Key: "find", Value: p.collection}, {Key: "filter", Value: bson.D{{Key: "_id", Value: p.id}}},
		{Key: "limit", Value: int32(1)}, {Key: "singleBatch", Value: true}, {Key: "$db", Value: p.db},
	})
	if err != nil {
		return nil, nil, err
	}
	if _, err := server.Write(find); err != nil {
		return nil, nil, err
	}
	answer, err := read()
	if err != nil {
		return nil, nil, err
	}
	answerBody, err := replyBody(answer)
	if err != nil {
		return nil, nil, errUnsupported
	}
	if ok, isNumber := number(answerBody.Lookup("ok")); !isNumber || ok != 1 {
		return nil, nil, errUnsupported
	}
	batch, ok := answerBody.Lookup("cursor", "firstBatch").ArrayOK()
	if !ok {
		return nil, nil, errUnsupported
	}
	docs, err := batch.Values()
	if err != nil {
		return nil, nil, errUnsupported
	}
	matched := false
	if len(docs) == 1 {
		doc, ok := docs[0].DocumentOK()
		if !ok {
			return nil, nil, errUnsupported
		}
		if matched, err = matchFilter(doc, p.rest); err != nil {
			return nil, nil, err
		}
	}
	if !matched {
		reply, err := opMsgBody(nextRequestID.Add(1), p.requestID, p.noMatchReply)
		return reply, nil, err
	}
	forward, err = p.rewrite()
	return nil, forward, err
}

func truthy(v bson.RawValue) bool {
	switch v.Type {
	case bsontype.Boolean:
		return v.Boolean()
	case bsontype.Int32:
		return v.Int32() != 0
	case bsontype.Int64:
		return v.Int64() != 0
	case bsontype.Double:
		return v.Double() != 0
	}
	return false
}

// rebuild copies the message's body, element by element, replacing those `replace` returns.
func rebuild(message []byte, body bson.Raw, replace func(string, bson.RawValue) (any, bool)) ([]byte, error) {
	elements, err := body.Elements()
	if err != nil {
		return nil, err
	}
	doc := bson.D{}
	for _, e := range elements {
		if value, ok := replace(e.Key(), e.Value()); ok {
			doc = append(doc, bson.E{Key: e.Key(), Value: value})
		} else {
			doc = append(doc, bson.E{Key: e.Key(), Value: e.Value()})
		}
	}
	return opMsgBody(int32(binary.LittleEndian.Uint32(message[4:8])), 0, doc)
}

// opMsgBody is an OP_MSG with flags 0 and one body section.
func opMsgBody(requestID, responseTo int32, body bson.D) ([]byte, error) {
	raw, err := bson.Marshal(body)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	length := 16 + 4 + 1 + len(raw)
	for _, v := range []int32{int32(length), requestID, responseTo, opMsg, 0} {
		if err := binary.Write(&out, binary.LittleEndian, v); err != nil {
			return nil, err
		}
	}
	out.WriteByte(0)
	out.Write(raw)
	return out.Bytes(), nil
}

func replyBody(message []byte) (bson.Raw, error) {
	if opCode(message) != opMsg || len(message) < 26 || message[20] != 0 {
		return nil, fmt.Errorf("not an OP_MSG reply with a body")
	}
	size := int(int32(binary.LittleEndian.Uint32(message[21:25])))
	if 21+size > len(message) {
		return nil, fmt.Errorf("truncated reply")
	}
	return bson.Raw(message[21 : 21+size]), nil
}

// matchFilter evaluates the subset of the query language the application uses in its conditions.
func matchFilter(doc bson.Raw, filter bson.Raw) (bool, error) {
	elements, err := filter.Elements()
	if err != nil {
		return false, errUnsupported
	}
	for _, e := range elements {
		key, cond := e.Key(), e.Value()
		var ok bool
		switch {
		case key == "$or" || key == "$and":
			branches, isArray := cond.ArrayOK()
			if !isArray {
				return false, errUnsupported
			}
			values, err := branches.Values()
			if err != nil || len(values) == 0 {
				return false, errUnsupported
			}
			ok = key == "$and"
			for _, b := range values {
				branch, isDoc := b.DocumentOK()
				if !isDoc {
					return false, errUnsupported
				}
				m, err := matchFilter(doc, branch)
				if err != nil {
					return false, err
				}
				if key == "$or" && m {
					ok = true
				}
				if key == "$and" && !m {
					ok = false
				}
			}
		case strings.HasPrefix(key, "$"):
			return false, errUnsupported
		default:
			value, present, err := lookupPath(doc, key)
			if err != nil {
				return false, err
			}
			if ok, err = matchCondition(value, present, cond); err != nil {
				return false, err
			}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// lookupPath follows a dotted path through embedded documents; an array on the way is not handled.
func lookupPath(doc bson.Raw, path string) (bson.RawValue, bool, error) {
	current := doc
	parts := strings.Split(path, ".")
	for i, part := range parts {
		value, err := current.LookupErr(part)
		if err != nil {
			return bson.RawValue{}, false, nil // missing
		}
		if value.Type == bsontype.Array {
			return bson.RawValue{}, false, errUnsupported
		}
		if i == len(parts)-1 {
			return value, true, nil
		}
		next, isDoc := value.DocumentOK()
		if !isDoc {
			return bson.RawValue{}, false, nil
		}
		current = next
	}
	return bson.RawValue{}, false, nil
}

func matchCondition(value bson.RawValue, present bool, cond bson.RawValue) (bool, error) {
	switch cond.Type {
	case bsontype.Array:
		return false, errUnsupported
	case bsontype.EmbeddedDocument:
		operators, err := cond.Document().Elements()
		if err != nil || len(operators) == 0 {
			return false, errUnsupported
		}
		for _, op := range operators {
			if !strings.HasPrefix(op.Key(), "$") {
				return false, errUnsupported // a whole document compared
			}
			ok, err := matchOperator(value, present, op.Key(), op.Value())
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
	return equals(value, present, cond)
}

func matchOperator(value bson.RawValue, present bool, op string, arg bson.RawValue) (bool, error) {
	switch op {
	case "$eq":
		return equals(value, present, arg)
	case "$ne":
		eq, err := equals(value, present, arg)
		return !eq, err
	case "$in", "$nin":
		list, isArray := arg.ArrayOK()
		if !isArray {
			return false, errUnsupported
		}
		values, err := list.Values()
		if err != nil {
			return false, errUnsupported
		}
		found := false
		for _, v := range values {
			eq, err := equals(value, present, v)
			if err != nil {
				return false, err
			}
			found = found || eq
		}
		return found == (op == "$in"), nil
	case "$lt", "$lte", "$gt", "$gte":
		if !scalar(arg) || arg.Type == bsontype.Null {
			return false, errUnsupported
		}
		if !present {
			return false, nil
		}
		c, comparable, err := compare(value, arg)
		if err != nil || !comparable {
			return false, err
		}
		switch op {
		case "$lt":
			return c < 0, nil
		case "$lte":
			return c <= 0, nil
		case "$gt":
			return c > 0, nil
		default:
			return c >= 0, nil
		}
	case "$exists":
		return present == truthy(arg), nil
	}
	return false, errUnsupported
}

// scalar: the kinds of values this matcher compares; a regex, code, decimal or min/max key is not.
func scalar(v bson.RawValue) bool {
	switch v.Type {
	case bsontype.String, bsontype.ObjectID, bsontype.Boolean, bsontype.Int32, bsontype.Int64, bsontype.Double, bsontype.DateTime, bsontype.Null:
		return true
	}
	return false
}

// equals: null matches a missing field too; values of different kinds are not equal.
func equals(value bson.RawValue, present bool, want bson.RawValue) (bool, error) {
	if !scalar(want) {
		return false, errUnsupported
	}
	if want.Type == bsontype.Null {
		return !present || value.Type == bsontype.Null || value.Type == bsontype.Undefined, nil
	}
	if !present {
		return false, nil
	}
	c, comparable, err := compare(value, want)
	return comparable && c == 0, err
}

// compare orders two scalars of one kind (numbers together); comparable is false across kinds.
func compare(a, b bson.RawValue) (int, bool, error) {
	if an, ok := number(a); ok {
		if bn, ok := number(b); ok {
			switch {
			case an < bn:
				return -1, true, nil
			case an > bn:
				return 1, true, nil
			}
			return 0, true, nil
		}
		return 0, false, nil
	}
	if a.Type != b.Type {
		if a.Type == bsontype.Decimal128 || b.Type == bsontype.Decimal128 {
			return 0, false, errUnsupported
		}
		return 0, false, nil
	}
	switch a.Type {
	case bsontype.String:
		return strings.Compare(a.StringValue(), b.StringValue()), true, nil
	case bsontype.ObjectID:
		x, y := a.ObjectID(), b.ObjectID()
		return bytes.Compare(x[:], y[:]), true, nil
	case bsontype.Boolean:
		x, y := a.Boolean(), b.Boolean()
		switch {
		case x == y:
			return 0, true, nil
		case !x:
			return -1, true, nil
		}
		return 1, true, nil
	case bsontype.DateTime:
		x, y := a.DateTime(), b.DateTime()
		switch {
		case x < y:
			return -1, true, nil
		case x > y:
			return 1, true, nil
		}
		return 0, true, nil
	case bsontype.Null, bsontype.Undefined:
		return 0, true, nil
	}
	return 0, false, errUnsupported
}

func number(v bson.RawValue) (float64, bool) {
	switch v.Type {
	case bsontype.Int32:
		return float64(v.Int32()), true
	case bsontype.Int64:
		return float64(v.Int64()), true
	case bsontype.Double:
		return v.Double(), true
	}
	return 0, false
}
