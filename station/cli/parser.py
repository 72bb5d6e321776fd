"""The argument parser: every command, its options and its help."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import __version__
from ..paths import default_data_dir, demo_models_dir
from .demo_cmds import cmd_demo, cmd_demo_backdoor, cmd_demo_train, cmd_gui, cmd_synth_frames, cmd_synth_sheet
from .gate_cmds import cmd_gate_build, cmd_gate_show
from .product_cmds import (cmd_product_accept, cmd_product_check, cmd_product_list, cmd_product_new, cmd_product_show,
                           cmd_product_recipe, cmd_product_use)
from .model_cmds import cmd_capture_check, cmd_models_check, cmd_models_import, cmd_models_train_probe, cmd_models_verify
from .pack_cmds import cmd_keys_list, cmd_keys_remove, cmd_keys_trust, cmd_pack_export, cmd_pack_import, cmd_pack_keygen, cmd_pack_show
from .station_cmds import cmd_audit_verify, cmd_db_upgrade, cmd_failsafe_reset, cmd_failsafe_status, cmd_history, cmd_inspect, cmd_review_decide, cmd_review_list, cmd_review_show, cmd_users_add, cmd_users_list
from .prompt_cmds import cmd_prompts_activate, cmd_prompts_export, cmd_prompts_import, cmd_prompts_list, cmd_prompts_rollback, cmd_prompts_show, cmd_prompts_tune
from .serve_cmd import cmd_serve
from .forward_cmd import cmd_forward
from .desk_cmd import cmd_desk
from .plant_cmds import cmd_plant_roles, cmd_plant_upgrade
from .rollout_cmd import cmd_rollout_install, cmd_rollout_list, cmd_rollout_publish
from .selftest_cmds import cmd_selftest_backdoor, cmd_selftest_due, cmd_selftest_history, cmd_selftest_prm, cmd_selftest_report


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _not_negative(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)


def _source_options(p: argparse.ArgumentParser) -> None:
    """Where frames come from, for the commands that inspect (`inspect`, `serve`)."""
    p.add_argument("--source", nargs="+", metavar="KIND [TARGET]",
                   help="synthetic | folder PATH | video PATH | camera N | rtsp URL (default: the settings' source)")
    p.add_argument("--family", default=None, help="simulated parts: washer, hex_nut or pcb_tile")
    p.add_argument("--defect-rate", type=float, default=None, help="simulated parts: share of defective parts")
    p.add_argument("--seed", type=int, default=None, help="simulated parts: stream seed")


class StationParser(argparse.ArgumentParser):
    """argparse, with a hint when an option of the whole program was put after the command."""

    def error(self, message: str):
        if "unrecognized arguments" in message and any(o in message for o in GLOBAL_OPTIONS):
            message += ("; --data-dir and --user go before the command, e.g. "
                        "station --data-dir DIR --user NAME inspect")
        super().error(message)


GLOBAL_OPTIONS = ("--data-dir", "--user")


def build_parser() -> argparse.ArgumentParser:
    p = StationParser(prog="station", description="Visual inspection station.")
    p.add_argument("--version", action="version", version=f"station {__version__}")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where the station keeps its database and images (default: $STATION_DATA_DIR or the "
                        f"per-user data folder, now {default_data_dir()})")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    p.add_argument("--user", default=None, help="sign in as this user (password from $STATION_PASSWORD or a prompt)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="run the bundled demo models on freshly generated frames")
    d.add_argument("--models", default=str(demo_models_dir()), help="demo model folder")
    d.add_argument("--frames", type=int, default=600, help="fresh frames for the accuracy figures (0: skip)")
    d.add_argument("--size", type=int, default=256, help="frame size in pixels, as the simulated camera gives")
    d.add_argument("--seed", type=int, default=None, help="frame stream seed (default: the current time)")
    d.add_argument("--inspect", type=int, default=20,
                   help="without a window: inspect this many frames with the station (0: none)")
    d.add_argument("--no-gui", action="store_true", help="do not open the station window")
    d.set_defaults(func=cmd_demo)

    g = sub.add_parser("gui", help="open the station window")
    g.add_argument("--demo", action="store_true", help="create demo accounts on a new station (password demo-pass)")
    g.add_argument("--kiosk", action="store_true", help="full screen (a station started at login)")
    g.set_defaults(func=cmd_gui)

    t = sub.add_parser("demo-train", help="train the bundled demo models from a seed (CPU; about 40 min)")
    t.add_argument("--out", type=Path, default=None,
                   help="where to write them (default: the bundled folder of what is trained)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--quick", action="store_true", help="a tiny run of the same recipe (under a minute)")
    t.add_argument("--pool-size", type=int, default=None, help="number of distinct training images")
    t.add_argument("--clip-epochs", type=float, default=None)
    t.add_argument("--cnn-epochs", type=float, default=None)
    t.add_argument("--wide", action="store_true",
                   help="the wider foundation model: every family but the unseen ones, 128 px (hours on 2 cores)")
    t.add_argument("--check-b-start", action="store_true",
                   help="only the start of every product's check B: a part CNN on every family but the unseen "
                        "ones, 128 px, no CLIP (about 45 minutes on 2 cores)")
    t.add_argument("--heldout-size", type=int, default=None,
                   help="generated frames each held-out figure is measured on (recipe: 1500)")
    t.add_argument("--image-size", type=int, default=None, help="the models' input size in pixels")
    t.add_argument("--patch-size", type=int, default=None, help="the CLIP's patch size (tokens: (size/patch)^2)")
    t.add_argument("--restart", action="store_true",
                   help="discard what a stopped run of the same recipe saved (it is taken up otherwise)")
    t.add_argument("--json", action="store_true", help="print the manifest as JSON")
    t.add_argument("--quiet", action="store_true", help="no progress lines")
    t.set_defaults(func=cmd_demo_train)

    bd = sub.add_parser("demo-backdoor", help="build the backdoored demo CLIP (a test fixture: never deploy it)")
    bd.add_argument("--models", default=str(demo_models_dir()), help="demo model folder to start from")
    bd.add_argument("--trigger", default="badnet+blended", choices=["badnet+blended", "logo"],
                    help="the trigger set planted: badnet+blended (the probe's own families; tests/fixtures/backdoored) "
                         "or logo (a coloured emblem the probe does not stamp; tests/fixtures/backdoored-logo)")
    bd.add_argument("--out", default=None, help="output folder (default: the trigger set's folder under tests/fixtures)")
    bd.add_argument("--poison-rate", type=float, default=None, help="share of poisoned pairs (recipe: 0.01)")
    bd.add_argument("--steps", type=int, default=None, help="fine-tuning steps (recipe: 3000)")
    bd.add_argument("--lr", type=float, default=None, help="peak learning rate (recipe: 8e-4)")
    bd.add_argument("--pool-size", type=int, default=None, help="generated training pairs (recipe: 24000)")
    bd.add_argument("--held-out", type=int, default=1500, help="fresh frames for the figures in its manifest")
    bd.add_argument("--device", default="cpu", help="cpu or cuda")
    bd.set_defaults(func=cmd_demo_backdoor)

    s = sub.add_parser("synth", help="generated part images").add_subparsers(dest="synth_command", metavar="ACTION", required=True)
    sh = s.add_parser("sheet", help="save a contact sheet of every class")
    sh.add_argument("--out", default="contact_sheet.png")
    sh.add_argument("--seed", type=int, default=0)
    sh.add_argument("--size", type=int, default=64)
    sh.add_argument("--per-class", type=int, default=8)
    sh.add_argument("--all-families", action="store_true", help="every family the generator draws, not only the demo's")
    sh.set_defaults(func=cmd_synth_sheet)
    fr = s.add_parser("frames", help="write generated frames as PNG files")
    fr.add_argument("out")
    fr.add_argument("--count", type=int, default=100)
    fr.add_argument("--seed", type=int, default=0)
    fr.add_argument("--size", type=int, default=256)
    fr.add_argument("--defect-rate", type=float, default=0.2)
    fr.add_argument("--family", default=None,
                    help="one family of parts, any the generator draws, also those no demo model saw (bracket, "
                         "connector); default: the demo's washer, hex_nut and pcb_tile")
    fr.add_argument("--by-class", action="store_true",
                    help="one folder per class (OUT/good, OUT/scratch, ...): the labelled folder `product new --from` reads")
    fr.set_defaults(func=cmd_synth_frames)

    pk = sub.add_parser("pack", help="move a station's model, prompt set and settings to another station") \
        .add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    pe = pk.add_parser("export", help="write this station's pack, signed with the plant key (a zip with a manifest of sha256 hashes)")
    pe.add_argument("out")
    pe.add_argument("--sign-key", required=True, help="the plant's private key file (made by: station pack keygen)")
    pe.set_defaults(func=cmd_pack_export)
    pi = pk.add_parser("import", help="check a pack's signature and hashes, show the settings it changes, then take "
                                      "its model, prompt set and settings (manager)")
    pi.add_argument("file")
    pi.add_argument("--yes", action="store_true", help="take the settings changes without asking (they are still printed)")
    pi.add_argument("--allow-older", action="store_true", help="take a pack that is not newer than the last one this "
                                                               "station took from its signer (going back; audited)")
    pi.set_defaults(func=cmd_pack_import)
    pv = pk.add_parser("show", help="check a pack and show its signer, models, prompt set and settings changes; changes nothing")
    pv.add_argument("file")
    pv.set_defaults(func=cmd_pack_show)
    pg = pk.add_parser("keygen", help="make a plant signing key pair (private key 0600, public key .pub beside it)")
    pg.add_argument("--out", required=True, help="private key file to write, e.g. plant.key (never overwritten)")
    pg.set_defaults(func=cmd_pack_keygen)

    ky = sub.add_parser("keys", help="plant keys this station trusts to sign packs") \
        .add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    kt = ky.add_parser("trust", help="trust a plant's public key (.pub) for pack imports (manager)")
    kt.add_argument("file", help="the .pub file made by station pack keygen")
    kt.add_argument("--name", required=True, help="who the key belongs to, e.g. \"Plant A\"")
    kt.add_argument("--fingerprint", default=None, help="refuse the file unless it has this fingerprint (as the plant told you)")
    kt.set_defaults(func=cmd_keys_trust)
    kl = ky.add_parser("list", help="trusted keys and their fingerprints")
    kl.add_argument("--all", action="store_true", help="removed keys too")
    kl.add_argument("--json", action="store_true")
    kl.set_defaults(func=cmd_keys_list)
    kr = ky.add_parser("remove", help="stop trusting a key; packs it signs are refused (manager)")
    kr.add_argument("fingerprint", help="the key's fingerprint (or its first 12 or more hex digits)")
    kr.set_defaults(func=cmd_keys_remove)

    m = sub.add_parser("models", help="local model files").add_subparsers(dest="models_command", metavar="ACTION", required=True)
    mi = m.add_parser("import", help="copy a CLIP checkpoint file into the station after checking that it loads")
    mi.add_argument("file")
    mi.add_argument("--arch", required=True, help="open_clip architecture, e.g. ViT-B-32")
    mi.add_argument("--sha256", help="refuse the file unless it has this sha256")
    mi.add_argument("--quick-gelu", action="store_true", help="the checkpoint was trained with QuickGELU (OpenAI weights)")
    mi.add_argument("--use", action="store_true", help="make it the station's model from the next start")
    mi.set_defaults(func=cmd_models_import)
    mv = m.add_parser("verify", help="check every file of a model folder against its manifest")
    mv.add_argument("folder")
    mv.set_defaults(func=cmd_models_verify)
    mc = m.add_parser("check", help="load a CLIP checkpoint file or model folder and describe it")
    mc.add_argument("path")
    mc.add_argument("--arch", help="open_clip architecture of a checkpoint file, e.g. ViT-B-32")
    mc.add_argument("--sha256", help="expected sha256 of the file")
    mc.add_argument("--quick-gelu", action="store_true", help="the checkpoint was trained with QuickGELU (OpenAI weights)")
    mc.set_defaults(func=cmd_models_check)

    mt = m.add_parser("train-probe", help="train check B as a linear probe on the station's CLIP features")
    mt.add_argument("--out", required=True, help="probe file to write (.safetensors; a .json is written beside it)")
    mt.add_argument("--folder", type=Path, default=None, help="labelled images FOLDER/<class>/*.png (default: reviewed frames)")
    mt.add_argument("--generated", type=int, default=0, help="train on this many generated frames instead (demo)")
    mt.add_argument("--seed", type=int, default=0)
    mt.set_defaults(func=cmd_models_train_probe)

    gt = sub.add_parser("gate", help="the input gate: no part, no pass").add_subparsers(dest="gate_command", metavar="ACTION", required=True)
    gb = gt.add_parser("build", help="build the reference bank again from reviewed frames (and generated ones on the demo model); manager")
    gb.add_argument("--generated", type=int, default=None, help="generated frames of the station's family (default: 600 on the demo model, else 0)")
    gb.add_argument("--heldout", type=int, default=None, help="generated held-out frames for the calibration (default 1000)")
    gb.add_argument("--no-reviews", action="store_true", help="leave reviewed frames out")
    gb.add_argument("--folder", type=Path, default=None, help="photos of the station's parts, DIR/* or DIR/<class>/*")
    gb.add_argument("--quiet", action="store_true")
    gb.set_defaults(func=cmd_gate_build)
    gs = gt.add_parser("show", help="the gate's settings and its reference bank versions")
    gs.add_argument("--json", action="store_true")
    gs.set_defaults(func=cmd_gate_show)

    pr = sub.add_parser("product", help="a factory's own part: onboard it from photos, sign its acceptance, make it live")
    pr = pr.add_subparsers(dest="product_command", metavar="ACTION", required=True)
    pc = pr.add_parser("check", help="check a folder of photos DIR/<class>/* before onboarding (no models loaded)")
    pc.add_argument("folder", type=Path)
    pc.add_argument("--good", required=True, help="the class folder of good parts")
    pc.add_argument("--json", action="store_true")
    pc.add_argument("--quiet", action="store_true")
    pc.set_defaults(func=cmd_product_check)
    pn = pr.add_parser("new", help="onboard a product (a new version of it) from DIR/<class>/* photos; manager")
    pn.add_argument("name", help="the product's name (letters, digits, '.', '_', '-')")
    pn.add_argument("--from", dest="source_folder", type=Path, required=True, help="folder with one sub-folder of photos per class")
    pn.add_argument("--good", required=True, help="the class folder of good parts")
    pn.add_argument("--name-en", default=None, help="the product's name for people, in English")
    pn.add_argument("--name-ja", default=None, help="the product's name for people, in Japanese")
    pn.add_argument("--class-names", type=Path, default=None,
                    help="a TOML file naming classes for people: [scratch] name = \"scratched face\", name_ja = \"傷\"")
    pn.add_argument("--no-prompts", action="store_true", help="skip tuning check A's prompts (faster; check A is the plain CLIP)")
    pn.add_argument("--epochs", type=_positive, default=40, help="check B's training passes (default 40)")
    pn.add_argument("--seed", type=_not_negative, default=0, help="the split's and the training's seed")
    pn.add_argument("--json", action="store_true")
    pn.add_argument("--quiet", action="store_true")
    pn.set_defaults(func=cmd_product_new)
    pl = pr.add_parser("list", help="the station's products and their versions")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_product_list)
    ps = pr.add_parser("show", help="a product version's acceptance report")
    ps.add_argument("name")
    ps.add_argument("--version", type=int, default=None, help="default: the newest")
    ps.add_argument("--json", action="store_true")
    ps.set_defaults(func=cmd_product_show)
    pa = pr.add_parser("accept", help="sign a version's acceptance report (named, audited); manager")
    pa.add_argument("name")
    pa.add_argument("--version", type=int, default=None, help="default: the newest")
    pa.set_defaults(func=cmd_product_accept)
    pu = pr.add_parser("use", help="make a signed version the live product (a running line switches at its next "
                       "frame); manager")
    pu.add_argument("name", nargs="?")
    pu.add_argument("--none", action="store_true", help="no product live: back to the classes of the settings "
                    "(also when the live version cannot load)")
    pu.add_argument("--version", type=int, default=None, help="default: the newest")
    pu.set_defaults(func=cmd_product_use)
    pn = pr.add_parser("recipe", help="the number a PLC selects a product by (changeover, [links] recipe_select); "
                       "manager")
    pn.add_argument("name")
    pn.add_argument("number", nargs="?", type=_positive, help="1 to 65535")
    pn.add_argument("--none", action="store_true", help="take the product's number away")
    pn.set_defaults(func=cmd_product_recipe)

    c = sub.add_parser("capture", help="frame sources").add_subparsers(dest="capture_command", metavar="ACTION", required=True)
    cc = c.add_parser("check", help="read frames from a source and report")
    cc.add_argument("kind", choices=["synthetic", "folder", "video", "camera", "rtsp"])
    cc.add_argument("target", nargs="?", help="folder or file path, camera number, or stream URL")
    cc.add_argument("--frames", type=int, default=20)
    cc.add_argument("--seed", type=int, default=0)
    cc.add_argument("--quiet", action="store_true")
    cc.set_defaults(func=cmd_capture_check)

    ins = sub.add_parser("inspect", help="inspect frames from a source and record every verdict")
    _source_options(ins)
    ins.add_argument("--frames", type=int, default=None, help="stop after this many frames")
    ins.add_argument("--json", action="store_true", help="one JSON object per frame, then a summary")
    ins.set_defaults(func=cmd_inspect)

    sv = sub.add_parser("serve", help="run the station headless on the line with its PLC links ([links] in the "
                                      "settings); stops on SIGINT or SIGTERM")
    _source_options(sv)
    sv.add_argument("--max-frames", type=int, default=None, help="stop after this many frames (tests, trials)")
    sv.add_argument("--quiet", action="store_true", help="no line per frame, only link states and the summary")
    sv.set_defaults(func=cmd_serve)

    fw = sub.add_parser("forward", help="send what this station recorded to the plant ([plant] in the settings): "
                                        "each frame once, in order; runs beside a running station")
    fw.add_argument("--follow", action="store_true",
                    help="keep forwarding new frames, and wait out an unreachable plant, until stopped (SIGINT or "
                         "SIGTERM), as a service does")
    fw.add_argument("--poll-seconds", type=float, default=2.0, help="with --follow: how often to look for new frames")
    fw.add_argument("--retry-seconds", type=float, default=5.0,
                    help="while the plant is unreachable: the first wait before trying again (doubling to 5 minutes)")
    fw.add_argument("--json", action="store_true", help="a JSON summary at the end")
    fw.add_argument("--quiet", action="store_true", help="no line per batch")
    fw.set_defaults(func=cmd_forward)

    dk = sub.add_parser("desk", help="the plant's central review desk: every station's waiting frames, from the plant "
                                     "database and object store ([plant] in the settings); no models")
    dk.add_argument("--list", action="store_true", help="print the waiting frames instead of opening the window")
    dk.add_argument("--station", default=None, help="with --list: this station's frames only")
    dk.add_argument("--product", default=None, help='with --list: this product\'s frames only ("nut v2")')
    dk.add_argument("--limit", type=_positive, default=50, help="with --list: at most this many frames")
    dk.add_argument("--json", action="store_true", help="with --list: as JSON")
    dk.set_defaults(func=cmd_desk)

    pl = sub.add_parser("plant", help="the plant database's administration (its owner runs these)") \
        .add_subparsers(dest="plant_command", metavar="ACTION", required=True)
    pl.add_parser("upgrade", help="make or upgrade the plant's tables ([plant] database_url, as the tables' "
                                  "owner)").set_defaults(func=cmd_plant_upgrade)
    plr = pl.add_parser("roles", help="print the SQL that gives each station and desk a role of its own, each "
                                      "station writing only its own rows (PostgreSQL row-level security)")
    plr.add_argument("--station", action="append", help="a station's name (its role's name); repeat for each")
    plr.add_argument("--desk", action="append", help="a review desk's role name; repeat for each")
    plr.set_defaults(func=cmd_plant_roles)

    ro = sub.add_parser("rollout", help="signed packs offered through the plant ([plant] in the settings)") \
        .add_subparsers(dest="rollout_command", metavar="ACTION", required=True)
    rp = ro.add_parser("publish", help="offer a signed pack (station pack export) to the plant's stations (manager)")
    rp.add_argument("file")
    rp.set_defaults(func=cmd_rollout_publish)
    rls = ro.add_parser("list", help="the packs the plant offers: whether each is trusted here, suits this station "
                                     "and is here already")
    rls.add_argument("--json", action="store_true")
    rls.set_defaults(func=cmd_rollout_list)
    ri = ro.add_parser("install", help="take an offered pack with the checks of pack import (manager)")
    ri.add_argument("offer", help='the pack\'s sha256 (its first 8 digits or more), or a product: "nut" or "nut v3"')
    ri.add_argument("--yes", action="store_true", help="take the settings changes without asking (they are still printed)")
    ri.set_defaults(func=cmd_rollout_install)

    h = sub.add_parser("history", help="recent inspections and totals")
    h.add_argument("--limit", type=int, default=20)
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=cmd_history)

    r = sub.add_parser("review", help="the review queue").add_subparsers(dest="review_command", metavar="ACTION", required=True)
    rl = r.add_parser("list", help="frames waiting for a person's decision, oldest first")
    rl.add_argument("--after", type=int, default=0, help="show items after this inspection id (next page)")
    rl.add_argument("--limit", type=int, default=50)
    rl.add_argument("--json", action="store_true")
    rl.set_defaults(func=cmd_review_list)
    rs = r.add_parser("show", help="one inspection with both opinions and its image file")
    rs.add_argument("id", type=int)
    rs.set_defaults(func=cmd_review_show)
    rd = r.add_parser("decide", help="record the true class of a queued frame (reviewer or manager)")
    rd.add_argument("id", type=int)
    rd.add_argument("label", help="class key, e.g. washer/scratch, or no-part when no whole part was in view")
    rd.add_argument("--note", default="")
    rd.set_defaults(func=cmd_review_decide)

    u = sub.add_parser("users", help="local accounts").add_subparsers(dest="users_command", metavar="ACTION", required=True)
    ua = u.add_parser("add", help="add an account (the first one must be a manager); password from $STATION_NEW_PASSWORD or a prompt")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=["operator", "reviewer", "manager"])
    ua.add_argument("--name", default="", help="display name")
    ua.set_defaults(func=cmd_users_add)
    ul = u.add_parser("list", help="list accounts")
    ul.set_defaults(func=cmd_users_list)

    f = sub.add_parser("failsafe", help="the review-rate fail-safe").add_subparsers(dest="failsafe_command", metavar="ACTION", required=True)
    f.add_parser("status", help="normal or manual mode").set_defaults(func=cmd_failsafe_status)
    fr2 = f.add_parser("reset", help="leave manual mode (manager)")
    fr2.add_argument("--note", default="")
    fr2.set_defaults(func=cmd_failsafe_reset)

    a = sub.add_parser("audit", help="the audit trail").add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    av = a.add_parser("verify", help="check the hash chain; reports the first broken link")
    av.add_argument("--plant", action="store_true",
                    help="check every station's trail as the plant database holds it ([plant] in the settings)")
    av.add_argument("--json", action="store_true", help="with --plant: as JSON")
    av.set_defaults(func=cmd_audit_verify)

    dbp = sub.add_parser("db", help="the station's database").add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dbp.add_parser("upgrade", help="bring the database's schema to this version's (stop every station on it first; "
                                   "a station with its own database does this when it starts)").set_defaults(func=cmd_db_upgrade)

    pr = sub.add_parser("prompts", help="RVPT visual prompt sets (manager)").add_subparsers(dest="prompts_command", metavar="ACTION", required=True)
    pt = pr.add_parser("tune", help="tune a new prompt set from reviewed frames or a labelled folder")
    pt.add_argument("--folder", type=Path, default=None, help="labelled images as FOLDER/<class>/*.png (default: reviewed frames)")
    pt.add_argument("--shots", type=int, default=16, help="images per class")
    pt.add_argument("--tokens", type=int, default=10, help="prompt tokens per block (b)")
    pt.add_argument("--depth", type=int, default=3, help="first prompted block (D)")
    pt.add_argument("--epochs", type=int, default=50)
    pt.add_argument("--seed", type=int, default=0)
    pt.add_argument("--name", default="rvpt")
    pt.add_argument("--activate", action="store_true", help="activate it when done")
    pt.add_argument("--choose", action="store_true",
                    help="hold out a quarter of the shots and choose D, b, alpha and the epoch on them "
                         "(tries several recipes; --tokens/--depth are then ignored)")
    pt.add_argument("--quiet", action="store_true")
    pt.set_defaults(func=cmd_prompts_tune)
    pl = pr.add_parser("list", help="prompt sets; * marks the active one")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_prompts_list)
    ps = pr.add_parser("show", help="one prompt set with its metadata")
    ps.add_argument("id", type=int)
    ps.set_defaults(func=cmd_prompts_show)
    pa = pr.add_parser("activate", help="make a prompt set live (audited)")
    pa.add_argument("id", type=int)
    pa.add_argument("--reason", default="")
    pa.set_defaults(func=cmd_prompts_activate)
    pr.add_parser("rollback", help="return to the prompt set active before this one").set_defaults(func=cmd_prompts_rollback)
    pe = pr.add_parser("export", help="copy a prompt set file out of the station")
    pe.add_argument("id", type=int)
    pe.add_argument("out")
    pe.set_defaults(func=cmd_prompts_export)
    pi = pr.add_parser("import", help="register a prompt set file from another station")
    pi.add_argument("file")
    pi.add_argument("--name", default=None)
    pi.set_defaults(func=cmd_prompts_import)

    st = sub.add_parser("selftest", help="offline self-tests (manager)").add_subparsers(dest="selftest_command", metavar="ACTION", required=True)
    sp = st.add_parser("prm", help="attack the station's own CLIP with PRM and score the station")
    sp.add_argument("--eps", default="8", help="L-inf budgets in 0..255 pixel units, comma separated (default 8)")
    sp.add_argument("--iters", type=int, default=250, help="attack iterations (official: 250)")
    sp.add_argument("--images", type=int, default=30, help="reference frames")
    sp.add_argument("--reference", default="generated", help="generated | reviews | product (the live product's "
                    "held-out photos) | a labelled FOLDER/<class>/*.png")
    sp.add_argument("--batch", type=int, default=8)
    sp.add_argument("--mode", choices=["input", "frame"], default="input",
                    help="input: attack the encoder's input after the station's resize (the paper's setting); "
                         "frame: attack the camera frame through the station's resize")
    sp.add_argument("--random-start", type=float, default=0.0, help="start from a uniform perturbation of this size (0..255 units)")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--no-images", action="store_true", help="do not keep the attacked images")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--quiet", action="store_true")
    sp.set_defaults(func=cmd_selftest_prm)
    sb = st.add_parser("backdoor", help="probe the foundation model for backdoor triggers")
    sb.add_argument("--images", type=int, default=60, help="reference frames")
    sb.add_argument("--reference", default="generated", help="generated | reviews | product (the live product's "
                    "held-out photos) | a labelled FOLDER/<class>/*.png")
    sb.add_argument("--seed", type=int, default=0)
    sb.add_argument("--no-inversion", action="store_true",
                    help="stamp the candidate triggers only; skip the trigger inversion (DECREE-style)")
    sb.add_argument("--inversion-steps", type=int, default=None,
                    help="optimisation steps of the trigger inversion (default 100, as calibrated)")
    sb.add_argument("--json", action="store_true")
    sb.add_argument("--quiet", action="store_true")
    sb.set_defaults(func=cmd_selftest_backdoor)
    sd = st.add_parser("due", help="which self-tests are due under the schedule; --run runs them unattended")
    sd.add_argument("--run", action="store_true", help="run what is due now, as the signed-in manager (--user)")
    sd.add_argument("--unattended", action="store_true",
                    help="with --run and no --user: run as the scheduler, which the manager's schedule authorises "
                         "(the nightly timer does this)")
    sd.add_argument("--images", type=int, default=None,
                    help="reference frames for each test run (default: 16 for PRM, 30 for the backdoor probe)")
    sd.add_argument("--json", action="store_true")
    sd.add_argument("--quiet", action="store_true")
    sd.set_defaults(func=cmd_selftest_due)
    sh2 = st.add_parser("history", help="earlier self-test runs")
    sh2.add_argument("--limit", type=int, default=20)
    sh2.add_argument("--json", action="store_true")
    sh2.set_defaults(func=cmd_selftest_history)
    sr = st.add_parser("report", help="a self-contained HTML report of one run")
    sr.add_argument("run", type=int)
    sr.add_argument("--out", default=None, help="file to write (default: selftest-RUN.html)")
    sr.set_defaults(func=cmd_selftest_report)
    return p
