"""PyTorch's figures for W10 and W11 of docs/benchmarks.md: torchvision's resnet50 and mobilenet_v2 (the models of
Keras' ResNet50 and MobileNetV2; random weights, 1000 classes) in eval mode, inference of a batch of 224x224x3
kept on the GPU, channels-last, under torch.inference_mode, in three settings: float32, TF32 (matmul and cuDNN)
and bf16 autocast. Timing as bench's: a warm-up of at least 20 runs and 2 s, then 7 rounds of 10 runs, each
round ended by a synchronize; median with min-max ms per run, and the peak GPU memory of the setting.

    python benchmarks/torch_keras_apps.py [--batch 32] [--rounds 7]

Without torch, torchvision or a CUDA device it says what is missing and exits with 0, so it can share a
command line with bench.
"""
import argparse
import statistics
import sys
import time


def timed(run, sync, rounds, per_round=10):
    start, warm = time.perf_counter(), 0
    while warm < 20 or time.perf_counter() - start < 2.0:
        run()
        warm += 1
    sync()
    per = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(per_round):
            run()
        sync()
        per.append((time.perf_counter() - t) / per_round * 1e3)
    return statistics.median(per), min(per), max(per)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    try:
        import torch
        import torchvision
    except ImportError as e:
        print("torch_keras_apps.py: skipped, %s" % e)
        return 0
    if not torch.cuda.is_available():
        print("torch_keras_apps.py: skipped, no CUDA device")
        return 0
    dev = "cuda"
    torch.backends.cudnn.benchmark = True
    print("torch %s, torchvision %s, %s, cuDNN %s" % (torch.__version__, torchvision.__version__,
                                                      torch.cuda.get_device_name(), torch.backends.cudnn.version()))
    models = {"W10 resnet50": torchvision.models.resnet50, "W11 mobilenet_v2": torchvision.models.mobilenet_v2}
    settings = [("float32", False, None), ("tf32", True, None), ("bf16 autocast", False, torch.bfloat16)]
    for name, build in models.items():
        torch.manual_seed(1)
        model = build(weights=None).to(dev).eval().to(memory_format=torch.channels_last)
        x = torch.randn(args.batch, 3, 224, 224, device=dev).to(memory_format=torch.channels_last)
        for label, tf32, autocast in settings:
            torch.backends.cuda.matmul.allow_tf32 = tf32
            torch.backends.cudnn.allow_tf32 = tf32
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()

            def run():
                with torch.inference_mode(), torch.autocast(dev, dtype=autocast or torch.float32,
                                                            enabled=autocast is not None):
                    return model(x)

            median, low, high = timed(run, torch.cuda.synchronize, args.rounds)
            peak = torch.cuda.max_memory_allocated() / 2 ** 20
            print("%s b%d %s channels-last: median %.3f ms/run (min %.3f, max %.3f), %.0f images/s, peak %.0f MiB"
                  % (name, args.batch, label, median, low, high, args.batch / median * 1e3, peak), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
