"""Training curves: loss and accuracy per epoch, drawn with matplotlib.

    python -m attnc.plot HISTORY.json OUT.png

reads what ``attn-train --history`` writes (``attn-train --plot`` runs it).
"""

import json
import sys

from . import _core


def plot_history(history, path, title=None, best_epoch=None):
    """Draws the ``history`` (a list of per-epoch dicts with epoch,
    train_loss, val_loss, train_accuracy, val_accuracy, test_accuracy) to
    ``path`` (any format matplotlib writes, by its suffix)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise _core.Error(
            "plotting needs matplotlib, which is not installed "
            "(pip install matplotlib)") from None
    if not history:
        raise _core.Error(f"{path}: no epochs to plot")
    epochs = [h["epoch"] for h in history]
    fig, (loss, acc) = plt.subplots(1, 2, figsize=(10, 4))
    loss.plot(epochs, [h["train_loss"] for h in history],
              label="train (dropout on)")
    loss.plot(epochs, [h["val_loss"] for h in history], label="val")
    loss.set_xlabel("epoch")
    loss.set_ylabel("loss (mean NLL)")
    loss.legend()
    for key, label in (("train_accuracy", "train"), ("val_accuracy", "val"),
                       ("test_accuracy", "test")):
        acc.plot(epochs, [h[key] for h in history], label=label)
    acc.set_xlabel("epoch")
    acc.set_ylabel("accuracy")
    acc.set_ylim(0, 1)
    if best_epoch:
        for ax in (loss, acc):
            ax.axvline(best_epoch, color="gray", linestyle=":",
                       label=None)
    acc.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print("usage: python -m attnc.plot HISTORY.json OUT.png",
              file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            h = json.load(f)
        plot_history(h["history"], argv[2], h.get("title"),
                     h.get("best_epoch"))
    except (OSError, ValueError, KeyError, _core.Error) as e:
        print(f"attnc.plot: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
