"""The standalone probe that trained the shipped CIFAR-10 ResNet-18 on an H200 (kept for the
record, formatted; the recipe now lives in train.py). Run from the repository root as
  python models/cifar10/probe_resnet18.py r18_c12_e160a --epochs 160 --cutout 12 --budget 250
after unpacking the training set to checkpoints/cifar10_train.npz. --cutout 12 blacks out
11x11 squares; --budget fits the epoch count to a time budget after the first epoch."""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from safetensors.torch import save_file
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("name")
p.add_argument("--epochs", type=int, default=40)
p.add_argument("--cutout", type=int, default=0)
p.add_argument("--lr", type=float, default=0.4)
p.add_argument("--bs", type=int, default=512)
p.add_argument("--wd", type=float, default=5e-4)
p.add_argument("--ls", type=float, default=0.1)
p.add_argument("--budget", type=float, default=1e9)
p.add_argument("--device", default="cuda")
p.add_argument("--limit", type=int, default=0)
a = p.parse_args()
torch.manual_seed(0)
dev = torch.device(a.device)
f = np.load("checkpoints/cifar10_train.npz")
images, labels = torch.from_numpy(f["images"]), torch.from_numpy(f["labels"])
order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))  # as train.py
val_idx, tr_idx = order[:5000], order[5000:]
if a.limit:
    tr_idx, val_idx = tr_idx[: a.limit], val_idx[: a.limit]
xt, yt = images[tr_idx].to(dev), labels[tr_idx].to(dev)
xv, yv = images[val_idx].to(dev), labels[val_idx].to(dev)
mean = torch.tensor([0.4914, 0.4822, 0.4465], device=dev).view(1, 3, 1, 1)
std = torch.tensor([0.2470, 0.2435, 0.2616], device=dev).view(1, 3, 1, 1)


def net_():
    m = torchvision.models.resnet18(num_classes=10)
    m.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    m.maxpool = nn.Identity()
    return m


def augment(x):
    n, c, h, w = x.shape
    flip = torch.rand(n, device=dev) < 0.5
    x = torch.where(flip.view(-1, 1, 1, 1), x.flip(-1), x)
    xp = F.pad(x, (4,) * 4, mode="reflect")
    i = torch.randint(0, 9, (n,), device=dev)
    j = torch.randint(0, 9, (n,), device=dev)
    ar = torch.arange(h, device=dev)
    rows = (i[:, None] + ar)[:, None, :, None]
    cols = (j[:, None] + ar)[:, None, None, :]
    x = xp[
        torch.arange(n, device=dev)[:, None, None, None],
        torch.arange(c, device=dev)[None, :, None, None],
        rows,
        cols,
    ]
    if a.cutout:
        cy = torch.randint(0, h, (n, 1, 1), device=dev)
        cx = torch.randint(0, w, (n, 1, 1), device=dev)
        yy = ar.view(1, -1, 1)
        xx = ar.view(1, 1, -1)
        s = a.cutout // 2
        mask = ((yy - cy).abs() <= s - 1 + (a.cutout % 2)) & (
            (xx - cx).abs() <= s - 1 + (a.cutout % 2)
        )
        x = x * (~mask[:, None]).to(x.dtype)
    return x


net = net_().to(dev, memory_format=torch.channels_last)
decay = [p_ for n_, p_ in net.named_parameters() if p_.ndim > 1]
no_decay = [p_ for n_, p_ in net.named_parameters() if p_.ndim <= 1]
opt = torch.optim.SGD(
    [dict(params=decay, weight_decay=a.wd), dict(params=no_decay, weight_decay=0)],
    lr=a.lr,
    momentum=0.9,
    nesterov=True,
)
loss_fn = nn.CrossEntropyLoss(label_smoothing=a.ls)
ac = torch.autocast(dev.type, torch.bfloat16, enabled=dev.type == "cuda")
spe = len(xt) // a.bs
total = a.epochs * spe


@torch.no_grad()
def evaluate(tta):
    net.eval()
    correct = 0
    for k in range(0, len(xv), 1000):
        x = ((xv[k : k + 1000].float() / 255) - mean) / std
        with ac:
            lg = net(x.contiguous(memory_format=torch.channels_last)).float()
            if tta:
                lg = lg + net(x.flip(-1).contiguous(memory_format=torch.channels_last)).float()
        correct += (lg.argmax(1) == yv[k : k + 1000]).sum().item()
    net.train()
    return correct / len(xv)


t0 = time.time()
step = 0
log = []
ep = 0
while step < total:
    perm = torch.randperm(len(xt), device=dev)
    for b in range(spe):
        if step >= total:
            break
        idx = perm[b * a.bs : (b + 1) * a.bs]
        x = (augment(xt[idx].float() / 255) - mean) / std
        frac = step / total
        lr = a.lr * (frac / 0.15 if frac < 0.15 else (1 - frac) / 0.85)
        for g in opt.param_groups:
            g["lr"] = lr
        with ac:
            loss = loss_fn(net(x.contiguous(memory_format=torch.channels_last)).float(), yt[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
    ep += 1
    el = time.time() - t0
    if ep == 1 and a.budget < 1e9:  # fit the epoch count to the time budget
        fit = int(a.budget / el * 0.95)
        if fit < a.epochs:
            print(f"epoch takes {el:.1f}s: {a.epochs} -> {fit} epochs", flush=True)
            a.epochs = fit
            total = fit * spe
    if ep % 5 == 0 or step >= total:
        r = dict(
            epoch=ep,
            loss=round(loss.item(), 4),
            val=evaluate(False),
            val_mirror=evaluate(True),
            time_s=round(el, 1),
        )
        log.append(r)
        print(a.name, r, flush=True)
Path("runs").mkdir(exist_ok=True)
save_file(
    {k: v.half().contiguous() for k, v in net.state_dict().items() if v.is_floating_point()},
    f"runs/{a.name}.safetensors",
    metadata={"args": json.dumps(vars(a))},
)
Path(f"runs/{a.name}.json").write_text(json.dumps(dict(args=vars(a), log=log)))
print("done", a.name, log[-1], flush=True)
