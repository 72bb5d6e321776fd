"""Roll-out: a manager publishes a signed station pack (its products, signed where they were made) to the plant's
object store; every station lists what is offered and whether it has it, and a station manager installs an offer
here with the same checks as `station pack import` (the signature of a key trusted here, every file's sha256, the
settings it changes shown first). Products arrive unsigned: a manager here reads their report and signs them."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .. import audit
from ..auth import User, acting, require
from ..errors import InvalidInput, StationError
from ..events import ProductArrived, ProductChanged
from ..models.identity import foundation_sha256
from ..pack import limits as pack_limits
from ..pack.products import products_here
from ..storage.objects import content_name
from ..storage.plant import PlantDatabase
from .keys import plant_keys
from .packs import import_pack, preview_import, show_pack
from .plant import plant_database, plant_objects

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Offer:
    pack_sha256: str
    products: list  # [{"name", "version", "sha256", "accepted_by"}], as signed where they were made
    signer_name: str
    published_by: str
    published_at: datetime
    size: int
    trusted: bool  # signed by a key this station trusts
    suits: bool  # made on this station's CLIP
    here: bool  # every product in it is here already

    @property
    def label(self) -> str:
        return ", ".join(f"{p['name']} v{p['version']}" for p in self.products) or "(no products)"


def _plant(records) -> tuple[PlantDatabase, object]:
    plant = plant_database(records, "roll-out", objects=True)
    return plant, plant_objects(records.config.plant.objects, records.data_dir)


def publish(records, user: User | None, pack: Path | str) -> tuple[Offer, bool]:
    """Offer `pack` to the plant's stations (a manager; checked here first as an import would check it). The
    offer, and whether it is new (False: offered already, nothing stored twice)."""
    with records.db.session() as s:
        require(acting(s, user), "products.manage")
    preview = show_pack(records, pack)  # signed by a key trusted here, every file matching its sha256
    if not preview.manifest.products:
        raise InvalidInput(f"{pack} holds no signed product: sign one (station product accept) before exporting")
    data = Path(pack).read_bytes()
    plant, objects = _plant(records)
    try:
        objects.put(data)
        row = {"pack_sha256": content_name(data), "signer": preview.signer, "signer_name": preview.signer_name,
               "products": [e.model_dump(include={"name", "version", "sha256", "accepted_by"})
                            for e in preview.manifest.products],
               "foundation_sha256": preview.manifest.foundation_sha256, "sequence": preview.manifest.sequence,
               "published_by": f"{records.config.plant.station or records.config.name}/{user.username}",
               "published_at": datetime.now(timezone.utc), "size": len(data)}
        new = plant.offer({**row, "products": json.dumps(row["products"])})
    finally:
        plant.close()
    with records.db.transaction() as s:
        audit.record(s, user.username, "rollout.publish", pack=row["pack_sha256"], file=str(pack),
                     products=[f"{p['name']} v{p['version']}" for p in row["products"]], new=new)
    return _offer(row, {k.fingerprint for k in plant_keys(records.db)},
                  foundation_sha256(records.config, records.data_dir), set()), new


def offers(records) -> list[Offer]:
    """What the plant offers, newest first, each with whether it is trusted here, suits this station and is here."""
    plant, _ = _plant(records)
    try:
        rows = plant.offers()
    finally:
        plant.close()
    trusted = {k.fingerprint for k in plant_keys(records.db)}
    with records.db.session() as s:
        here = products_here(s)
    foundation = foundation_sha256(records.config, records.data_dir)
    found = []
    for r in rows:
        try:
            found.append(_offer(r, trusted, foundation, here))
        except (KeyError, TypeError, ValueError) as e:  # a row not written by `publish`: the others still count
            log.warning("plant offer %s skipped: it is not one this version reads (%s)",
                        str(r.get("pack_sha256"))[:12], e)
    return found


def _offer(row: dict, trusted: set[str], foundation: str, here: set[str]) -> Offer:
    for p in row["products"]:  # rows are any station's to write: one not as `publish` writes them is skipped
        if not (isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("version"), int)
                and isinstance(p.get("sha256"), str)):
            raise ValueError(f"a product entry {str(p)[:80]!r} is not one `publish` writes")
    return Offer(row["pack_sha256"], row["products"], row["signer_name"], row["published_by"], row["published_at"],
                 row["size"], row["signer"] in trusted, row["foundation_sha256"] == foundation,
                 bool(row["products"]) and all(p["sha256"] in here for p in row["products"]))


def find_offer(records, prefix: str) -> Offer:
    """The offer whose pack sha256 starts with `prefix` (at least 8 hex digits), or whose products name it
    ("nut" or "nut v3": the newest such offer)."""
    everything = offers(records)
    if len(prefix) >= 8 and all(c in "0123456789abcdef" for c in prefix):
        found = [o for o in everything if o.pack_sha256.startswith(prefix)]
    else:
        name, _, version = prefix.partition(" v")
        found = [o for o in everything if any(p["name"] == name and (not version or str(p["version"]) == version)
                                              for p in o.products)][:1]
    if len(found) != 1:
        listed = "; ".join(f"{o.pack_sha256[:12]} ({o.label})" for o in everything) or "none"
        raise InvalidInput(f"no single offer is {prefix!r}; the plant offers: {listed}")
    return found[0]


def fetch(records, offer: Offer) -> Path:
    """The offer's pack from the plant's object store (checked against its sha256), as a file to preview."""
    plant, objects = _plant(records)
    plant.close()  # the pack is in the object store: the database is not asked
    data = objects.get(offer.pack_sha256, max_bytes=pack_limits.MAX_TOTAL_BYTES)  # named by a row anyone writes
    folder = Path(tempfile.mkdtemp(prefix="rollout-", dir=records.data_dir))
    path = folder / f"{offer.pack_sha256[:16]}.stationpack"
    try:
        path.write_bytes(data)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def preview(records, user: User | None, offer: Offer):
    """Fetch and check an offer for this station as `station pack import` does (a manager; refusals audited)."""
    path = fetch(records, offer)
    try:
        return preview_import(records.db, records.data_dir, records.config, path, user)
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise


def install(records, user: User | None, checked) -> object:
    """Take the offer `preview` checked (exactly that pack); its temporary copy removed after."""
    try:
        return import_pack(records.db, records.data_dir, records.config, checked, user)
    finally:
        discard(checked)


def discard(checked) -> None:
    """Remove the fetched copy of an offer that `preview` checked (installed or not)."""
    shutil.rmtree(Path(checked.path).parent, ignore_errors=True)


def take_newer_version(records, name: str) -> list[str]:
    """`[plant] install_at_changeover`: the plant's newest offer of product `name` that this station trusts, that
    was made on its CLIP and whose version of `name` is not here yet, taken products only (station.pack.importer)
    under the plant's roll-out account: recorded unsigned, so a manager here reads its report and signs it before it
    may go live. The labels recorded; [] when the plant offers nothing newer."""
    from ..auth import rollout_account
    from ..pack.importer import import_products_only

    with records.db.session() as s:
        here = products_here(s)
    newer = [o for o in offers(records) if o.trusted and o.suits
             and any(p["name"] == name and p["sha256"] not in here for p in o.products)]
    if not newer:
        return []
    with records.db.transaction() as s:
        account = rollout_account(s)
        s.expunge(account)
    if not account.active:  # nothing fetched for a station whose manager turned these installs off
        raise InvalidInput(f"the account '{account.username}' is deactivated here, so the plant's versions are not "
                           "installed at a changeover; a manager activates it again, or sets [plant] "
                           "install_at_changeover = false")
    path = fetch(records, newer[0])
    try:
        return import_products_only(records.db, records.data_dir, records.config, path, account,
                                    foundation_sha256(records.config, records.data_dir), only=name)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def follow_up_changeover(records, name: str) -> ProductArrived:
    """After a changeover to `name` with `[plant] install_at_changeover` on: `take_newer_version`, or why it took
    nothing. Never raises: the changeover itself is done."""
    try:
        return ProductArrived(name, tuple(take_newer_version(records, name)))
    except StationError as e:
        return ProductArrived(name, problem=str(e))
    except Exception as e:  # never into the line
        log.exception("taking the plant's newer %s failed", name)
        return ProductArrived(name, problem=f"{type(e).__name__}: {e}")


def arrival_words(arrived: ProductArrived) -> str:
    """What `follow_up_changeover` found, in a line ("" when the plant offers nothing newer)."""
    if arrived.problem:
        return f"the plant's newer {arrived.product}, if any, was not taken at the changeover: {arrived.problem}"
    return (f"{', '.join(arrived.taken)} taken from the plant at the changeover; a manager here reads its report and "
            f"signs it (station product accept {arrived.product}) before it may go live") if arrived.taken else ""


class ChangeoverInstalls:
    """Beside a running station with `[plant] install_at_changeover` on: after each changeover (the window's, the
    CLI's or a PLC's) the plant's newer version of the product now judging is taken in the background, so the line
    never waits on the plant; what was taken, or why not, is logged and kept in `said`."""

    def __init__(self, station):
        from concurrent.futures import ThreadPoolExecutor

        self.station, self.said, self._queued = station, [], set()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollout")
        self._subscription = station.events.subscribe(self._changed, ProductChanged)

    def _changed(self, event) -> None:
        name = event.product.rpartition(" v")[0]
        if event.product and not event.refused and name not in self._queued:  # a PLC flipping: once each
            self._queued.add(name)
            self._worker.submit(self._take, name)

    def _take(self, name: str) -> None:
        from ..jobs import Job

        self._queued.discard(name)
        if self.station.jobs.current == Job.ONBOARDING:  # it stages versions too: the next changeover takes it
            arrived = ProductArrived(name, problem="a product is being onboarded here; the plant's newer version is "
                                                   "looked for again at the next changeover")
        else:
            arrived = follow_up_changeover(self.station, name)
        said = arrival_words(arrived)
        if said:
            log.warning(said)
            self.said.append(said)
            self.station.events.publish(arrived)  # the window's Products page says it

    def wait(self) -> None:
        """Until every changeover seen so far has been followed up."""
        self._worker.submit(lambda: None).result()

    def stop(self) -> None:
        self._subscription.close()
        self._worker.shutdown(wait=True, cancel_futures=True)
