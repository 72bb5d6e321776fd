"""The README's PLC tables are copies of the tables in the code: a change to one without the other fails here."""

from pathlib import Path

from station.links.modbus_server import REGISTERS
from station.links.opcua_server import NODES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_opcua_node_is_in_the_readme_as_the_code_has_it():
    for name, vtype, what in NODES:
        assert f"| `ns=2;s=Station.{name}` | {vtype.name} | {what} |" in README, name


def test_every_modbus_register_is_in_the_readme_as_the_code_has_it():
    for table, address, name, what in REGISTERS:
        assert f"| {table} {address} | {name} | {what} |" in README, (table, address)
