"""Grad-CAM (Selvaraju et al., 2017): where a CNN looked for a class.

The activations A (K, h, w) of one layer are weighted by the spatial mean of the class score's
gradient with respect to them, summed over channels, passed through ReLU, upsampled to the
input's size and scaled to [0, 1]. Gradients are taken with torch.autograd.grad, so parameters'
.grad are never touched, and the hook keeps only the calling thread's activations: requests
that run the same net at the same time cannot disturb each other.
"""

import threading

import torch
import torch.nn.functional as F
from torch import nn


def grad_cam(net: nn.Module, layer: nn.Module, x: torch.Tensor, target: int) -> torch.Tensor:
    """Heat map (H, W) in [0, 1] for class `target` of one input x (1, C, H, W)."""
    captured: list[torch.Tensor] = []
    caller = threading.get_ident()

    def keep(module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
        if threading.get_ident() == caller:  # not another request's pass through the shared net
            captured.append(output)

    handle = layer.register_forward_hook(keep)
    try:
        with torch.enable_grad():
            score = net(x)[0, target]
            (grad,) = torch.autograd.grad(score, captured[0])
    finally:
        handle.remove()
    activations, grad = captured[0][0].detach(), grad[0]
    weights = grad.mean(dim=(1, 2))  # one weight per channel
    cam = torch.relu((weights[:, None, None] * activations).sum(0))
    cam = F.interpolate(cam[None, None], size=x.shape[-2:], mode="bilinear", align_corners=False)[
        0, 0
    ]
    peak = cam.max()
    return cam / peak if peak > 0 else cam
