"""Conformance of odoo-sim with a third-party Odoo client: OdooRPC 0.10.1 (PyPI), unchanged.

usage: python odoorpc_check.py PORT VERSION
Exits non-zero on the first failure; prints "N passed, 0 failed" when all pass.
"""
import sys

import odoorpc

port, version = int(sys.argv[1]), sys.argv[2]
passed = 0


def check(what, condition, detail=""):
    global passed
    if not condition:
        print(f"FAIL [{version}] {what} {detail}")
        print(f"{passed} passed, 1 failed")
        sys.exit(1)
    passed += 1


odoo = odoorpc.ODOO("127.0.0.1", port=port, timeout=20)
check("connect reads the server version", odoo.version == version, odoo.version)
check("the database is listed", "demo" in odoo.db.list())

try:
    odoo.login("demo", "admin", "wrong-password")
    check("a failed login raises", False)
except odoorpc.error.RPCError as e:
    check("a failed login raises RPCError", "Wrong login" in str(e), str(e))

odoo.login("demo", "admin", "admin")
check("login gives the user", odoo.env.user.login == "admin" and odoo.env.uid == 2)
check("models are discoverable", "crm.lead" in odoo.env and "no.such.model" not in odoo.env)

Lead = odoo.env["crm.lead"]
rows = Lead.search_read([("type", "=", "opportunity")], ["name", "stage_id", "user_id"], limit=5)
check("search_read returns rows", len(rows) == 5 and all("stage_id" in r for r in rows), rows[:1])
check("many2one comes as [id, name]", isinstance(rows[0]["stage_id"], list) and len(rows[0]["stage_id"]) == 2)

new_id = Lead.create({"name": "OdooRPC conformance", "phone": "+971 50 000 0000", "type": "lead"})
check("create returns an int id", isinstance(new_id, int), new_id)
Lead.write([new_id], {"priority": "3", "expected_revenue": 4200})
record = Lead.browse(new_id)
check("browse reads written values", record.priority == "3" and record.expected_revenue == 4200, record.priority)
check("browse follows many2one", record.stage_id.name == "New", record.stage_id.name)
check("search finds it", Lead.search([("name", "=", "OdooRPC conformance")]) == [new_id])
check("search_count", Lead.search_count([("id", "=", new_id)]) == 1)
check("fields_get", Lead.fields_get(["name"], ["type"])["name"]["type"] == "char")

Lead.unlink([new_id])
check("unlink removes it", Lead.search([("id", "=", new_id)]) == [])

try:
    Lead.write([new_id], {"name": "ghost"})
    check("writing a deleted record raises", False)
except odoorpc.error.RPCError as e:
    check("writing a deleted record raises MissingError", "does not exist" in str(e), str(e))

try:
    Lead.create({"type": "lead"})
    check("a missing required field raises", False)
except odoorpc.error.RPCError as e:
    check("a missing required field raises ValidationError", e.info["data"]["name"] == "odoo.exceptions.ValidationError")

odoo.login("demo", "sales1", "sales1")
mine = odoo.env["crm.lead"].search_read([], ["user_id"])
check(
    "record rules: a salesperson sees own or unassigned leads",
    all(r["user_id"] is False or r["user_id"][0] == odoo.env.uid for r in mine),
)
print(f"{passed} passed, 0 failed")
