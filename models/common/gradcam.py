"""Grad-CAM (Selvaraju et al., 2017): where a CNN looked for a class.

The activations A (K, h, w) of one layer are weighted by the spatial mean of the class logit's
gradient with respect to them, summed over channels, passed through ReLU, upsampled bilinearly
from the layer's grid to the requested size and scaled to [0, 1]. Read it at the last
convolutional block (the one the pooled head sees): at an earlier layer, the blocks after it
make the mean gradient a poor weight, and the weighted sum is mostly negative (on the CIFAR-10
ResNet-18, layer3's map was zero or a few stray cells on real photos).

Gradients are taken with torch.autograd.grad, so parameters' .grad are never touched, and the
hook keeps only the calling thread's activations: requests that run the same net at the same
time cannot disturb each other.
"""

import threading

import torch
import torch.nn.functional as F
from torch import nn


def grad_cam(
    net: nn.Module,
    layer: nn.Module,
    x: torch.Tensor,
    target: int,
    size: tuple[int, int] | None = None,
    mirror: bool = False,
) -> torch.Tensor:
    """Heat map (H, W) in [0, 1] for class `target` of one input x (1, C, H, W); (H, W) is
    `size`, default x's own.

    mirror=True explains the mean logit of x and its left-right mirror (what mirror test-time
    augmentation classifies): the mirror's map is flipped back before the two are added, so the
    map of a mirrored photo is the mirrored map. On a net with stride-2 3x3 convolutions
    (ResNet), feature cell j is centred on input pixel stride * j; the mirror's flipped cell j
    on stride * j + stride - 1, so their sum is centred where bilinear upsampling puts it."""
    views = torch.cat([x, x.flip(-1)]) if mirror else x
    captured: list[torch.Tensor] = []
    caller = threading.get_ident()

    def keep(module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
        if threading.get_ident() == caller:  # not another request's pass through the shared net
            captured.append(output)

    handle = layer.register_forward_hook(keep)
    try:
        with torch.enable_grad():
            score = net(views)[:, target].float().mean()
            (grad,) = torch.autograd.grad(score, captured[0])
    finally:
        handle.remove()
    activations, grad = captured[0].detach().float(), grad.float()
    weights = grad.mean(dim=(2, 3), keepdim=True)  # one weight per channel and view
    maps = (weights * activations).sum(1)  # (views, h, w), before ReLU
    if mirror:
        maps = maps[:1] + maps[1:].flip(-1)
    cam = F.interpolate(
        torch.relu(maps)[None], size=size or x.shape[-2:], mode="bilinear", align_corners=False
    )[0, 0]
    peak = cam.max()
    return cam / peak if peak > 0 else cam
