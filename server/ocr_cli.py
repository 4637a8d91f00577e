"""`afterview scan` and `afterview eval`: card OCR from the command line.

Both work in a bare clone after `pip install -e .`: no instance folder, secret or database
(they never build the Flask app).
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import click

from .domain.card_text import FIELDS

ENGINE_CHOICE = click.Choice(["rapidocr", "tesseract"])


def empty_prediction() -> dict[str, Any]:
    """A prediction with every field absent (what a failed image scores as)."""
    return {f: [] if f in ("emails", "phones") else ("" if f == "notes" else None) for f in FIELDS}


@click.command("scan")
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--engine", type=ENGINE_CHOICE, default="rapidocr", show_default=True)
@click.option("--region", default=None, help="Your country (e.g. GB) for numbers without +.")
@click.option("--lines", "with_lines", is_flag=True, help="Also print the OCR lines.")
def scan_command(images: tuple[str, ...], engine: str, region: str | None,
                 with_lines: bool) -> None:
    """Read the card in each IMAGE and print the draft contact as JSON."""
    from .ocr import ImageRejected
    from .ocr import read_card

    results = []
    failed = False
    for path in images:
        try:
            scan = read_card(Path(path).read_bytes(), default_region=region, engine=engine)
        except ImageRejected as exc:
            click.echo(f"{path}: {exc.message}", err=True)
            failed = True
            continue
        result = {"file": path, **scan.to_json()}
        if not with_lines:
            result.pop("lines")
        results.append(result)
    output = results[0] if len(images) == 1 and results else results
    if results:
        click.echo(json.dumps(output, ensure_ascii=False, indent=1))
    if failed:
        sys.exit(1)


def _openable(path: Path) -> tuple[int, int] | None:
    """The pixel size of an image file Pillow can open (any extension), else None."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except Exception:  # noqa: BLE001 - anything Pillow cannot open is simply not an image
        return None


def _size_class(size: tuple[int, int]) -> str:
    long, short = max(size), min(size)
    return f"{long}x{short}"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@click.command("eval")
@click.argument("image_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--out", "pred_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for one <id>.json prediction per image.")
@click.option("--engine", type=ENGINE_CHOICE, default="rapidocr", show_default=True)
@click.option("--region", default=None,
              help="Default country for numbers without +; without it numbers keep the "
                   "form printed.")
def eval_command(image_dir: str, pred_dir: str, engine: str, region: str | None) -> None:
    """Read every image in IMAGE_DIR, write predictions, print latency and memory."""
    from .ocr import get_engine
    from .ocr import read_card

    out = Path(pred_dir)
    out.mkdir(parents=True, exist_ok=True)
    images = []
    for path in sorted(Path(image_dir).iterdir()):
        size = _openable(path) if path.is_file() else None
        if size is not None:
            images.append((path, size))
    if not images:
        raise click.ClickException(f"No images Pillow can open in {image_dir}.")

    started = time.perf_counter()
    # As the server does at start: load the model and run it once, so no image pays for that.
    get_engine(engine).warm_up()
    load_seconds = time.perf_counter() - started
    click.echo(f"{engine}: model loaded and warmed up in {load_seconds:.1f} s; "
               f"reading {len(images)} images", err=True)

    latencies: dict[str, list[float]] = {}
    failures = 0
    run_started = time.perf_counter()
    for path, size in images:
        data = path.read_bytes()
        began = time.perf_counter()
        try:
            scan = read_card(data, default_region=region, engine=engine)
            prediction = {**scan.fields, "confidence": scan.confidence, "flagged": scan.flagged}
        except Exception as exc:  # noqa: BLE001 - one bad image must not stop the benchmark
            failures += 1
            prediction = empty_prediction()
            click.echo(f"{path.name}: {type(exc).__name__}: {exc}", err=True)
        latencies.setdefault(_size_class(size), []).append(time.perf_counter() - began)
        (out / f"{path.stem}.json").write_text(
            json.dumps(prediction, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    wall = time.perf_counter() - run_started
    _report(engine, latencies, len(images), failures, wall)
    _report_accuracy(Path(image_dir), out, [path for path, _ in images])


def _report_accuracy(truth_dir: Path, pred_dir: Path, images: list[Path]) -> None:
    """Per-field accuracy, cards all right and flag calibration, when <id>.json truth files
    sit beside the images."""
    from .ocr.truth import field_right
    from .ocr.truth import FIELDS as JUDGED

    right = dict.fromkeys(JUDGED, 0)
    cards = all_right = 0
    wrong_flagged = wrong_total = right_flagged = right_total = 0
    for path in images:
        truth_path = truth_dir / f"{path.stem}.json"
        if not truth_path.is_file():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        pred = json.loads((pred_dir / f"{path.stem}.json").read_text(encoding="utf-8"))
        flagged = set(pred.get("flagged") or JUDGED)
        cards += 1
        verdicts = {f: field_right(f, truth, pred) for f in JUDGED}
        all_right += all(verdicts.values())
        for name, ok in verdicts.items():
            right[name] += ok
            if ok:
                right_total += 1
                right_flagged += name in flagged
            else:
                wrong_total += 1
                wrong_flagged += name in flagged
    if not cards:
        return
    click.echo(f"accuracy over {cards} cards with truth (overall "
               f"{100 * sum(right.values()) / (cards * len(JUDGED)):.1f} %):")
    click.echo("  " + "  ".join(f"{name} {100 * right[name] / cards:.1f}" for name in JUDGED))
    click.echo(f"cards with every field right: {all_right}/{cards}")
    click.echo(f"flags: {wrong_flagged}/{wrong_total} wrong fields flagged "
               f"({100 * wrong_flagged / max(1, wrong_total):.0f} %), "
               f"{right_flagged}/{right_total} right fields flagged "
               f"({100 * right_flagged / max(1, right_total):.0f} %)")


def _report(engine: str, latencies: dict[str, list[float]], count: int, failures: int,
            wall: float) -> None:
    click.echo(f"engine {engine}: {count} images, {failures} failed")
    click.echo(f"{'size class':<14}{'images':>7}{'median s':>10}{'p95 s':>8}{'max s':>8}")
    for size_class, values in sorted(latencies.items(), key=lambda kv: -len(kv[1])):
        click.echo(
            f"{size_class:<14}{len(values):>7}{statistics.median(values):>10.2f}"
            f"{_percentile(values, 0.95):>8.2f}{max(values):>8.2f}"
        )
    everything = [v for values in latencies.values() for v in values]
    click.echo(f"{'all':<14}{len(everything):>7}{statistics.median(everything):>10.2f}"
               f"{_percentile(everything, 0.95):>8.2f}{max(everything):>8.2f}")
    click.echo(f"throughput: {count / wall:.2f} images/s ({wall:.1f} s in all)")
    # ru_maxrss is in kilobytes on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    click.echo(f"peak memory (resident): {peak:.0f} MB")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if children:
        click.echo(f"peak memory of a child process (tesseract): {children:.0f} MB")
