"""Estimate training memory from a model's shape: weights, gradients, optimizer states and activations."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

# Physical bytes of one stored value. nf4 packs two weights per byte; its constants are counted separately.
BYTES_PER_VALUE = {"fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "int8": 1.0, "nf4": 0.5}
NF4_BLOCK_SIZE = 64  # bitsandbytes keeps one absmax constant per 64 weights
DOUBLE_QUANT_BLOCK_SIZE = 256  # double quantization: the absmax constants become int8, one fp32 scale per 256 of them
ADAMW_STATES = 2  # AdamW keeps a first and a second moment per trainable value
# Values autograd keeps per token in one Llama block for the backward pass, counted tensor by tensor:
# ~10 hidden-sized (the two RMSNorm inputs and outputs, q/k/v after rotary, attention output, o_proj input,
# the residual stream) and 4 intermediate-sized (gate, up, SiLU(gate), their product: the down_proj input).
ACTIVATION_HIDDEN_FACTOR = 10
ACTIVATION_INTERMEDIATE_FACTOR = 4
# The vocabulary-sized tensors at the loss: log-softmax output (kept for backward), its incoming gradient and
# the gradient of the logits exist together at the start of the backward pass.
LOGIT_COPIES = 3
ATTENTION_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP_MODULES = ("gate_proj", "up_proj", "down_proj")
ALL_LINEAR = ATTENTION_MODULES + MLP_MODULES
METHODS = ("full", "last_blocks", "lora", "qlora", "prefix", "prompt", "ia3")


def nf4_bytes_per_value(double_quant: bool = True) -> float:
    """Bytes per weight in bitsandbytes nf4: half a byte plus the share of its quantization constants."""
    if double_quant:
        return 0.5 + 1.0 / NF4_BLOCK_SIZE + 4.0 / (NF4_BLOCK_SIZE * DOUBLE_QUANT_BLOCK_SIZE)
    return 0.5 + 4.0 / NF4_BLOCK_SIZE


def bytes_per_value(dtype: str) -> float:
    """Physical bytes per stored value for a dtype name (nf4 includes double-quantized constants)."""
    if dtype == "nf4":
        return nf4_bytes_per_value()
    if dtype not in BYTES_PER_VALUE:
        raise ValueError(f"unknown dtype {dtype!r}; expected one of {sorted(BYTES_PER_VALUE)}")
    return BYTES_PER_VALUE[dtype]


def dtype_name(dtype: torch.dtype) -> str:
    """'fp32', 'bf16' or 'fp16' for a torch floating dtype."""
    names = {torch.float32: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}
    if dtype not in names:
        raise ValueError(f"no byte size for {dtype}")
    return names[dtype]


@dataclass(frozen=True)
class ModelShape:
    """The sizes of a Llama-style decoder that decide its parameter count and activation memory."""

    layers: int
    hidden: int
    intermediate: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    tied_embeddings: bool

    @classmethod
    def from_config(cls, config) -> ModelShape:
        """Read the shape from a transformers config (Llama, Qwen2, Mistral and friends)."""
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        return cls(
            layers=config.num_hidden_layers,
            hidden=config.hidden_size,
            intermediate=config.intermediate_size,
            heads=config.num_attention_heads,
            kv_heads=getattr(config, "num_key_value_heads", None) or config.num_attention_heads,
            head_dim=head_dim,
            vocab=config.vocab_size,
            tied_embeddings=bool(getattr(config, "tie_word_embeddings", False)),
        )

    def linear_shapes(self) -> dict[str, tuple[int, int]]:
        """(in_features, out_features) of each linear module in one block."""
        h, q, kv, i = self.hidden, self.heads * self.head_dim, self.kv_heads * self.head_dim, self.intermediate
        return {
            "q_proj": (h, q), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (q, h),
            "gate_proj": (h, i), "up_proj": (h, i), "down_proj": (i, h),
        }

    @property
    def block_linear_params(self) -> int:
        """Weights of the linear layers of one block (no biases in Llama)."""
        return sum(n_in * n_out for n_in, n_out in self.linear_shapes().values())

    @property
    def block_params(self) -> int:
        """All parameters of one block: its linear layers and its two RMSNorm weights."""
        return self.block_linear_params + 2 * self.hidden

    @property
    def linear_params(self) -> int:
        """Linear-layer weights of all blocks: what 4-bit quantization compresses."""
        return self.layers * self.block_linear_params

    @property
    def embedding_params(self) -> int:
        """Input embedding plus the output head when it is not tied to it."""
        return self.vocab * self.hidden * (1 if self.tied_embeddings else 2)

    @property
    def total_params(self) -> int:
        """Every parameter: blocks, embeddings, final norm."""
        return self.layers * self.block_params + self.embedding_params + self.hidden


@dataclass(frozen=True)
class MethodSpec:
    """A fine-tuning method and the settings that decide how many parameters it trains."""

    name: str
    lora_rank: int = 8
    lora_targets: tuple[str, ...] = ALL_LINEAR
    lora_dropout: float = 0.05
    unfrozen_blocks: int = 2  # last_blocks: how many final blocks (plus the final norm) train
    virtual_tokens: int = 16  # prefix / prompt tuning

    def __post_init__(self) -> None:
        if self.name not in METHODS:
            raise ValueError(f"unknown method {self.name!r}; expected one of {METHODS}")

    @property
    def is_adapter(self) -> bool:
        """True when the base weights stay frozen and small new parameters train."""
        return self.name in ("lora", "qlora", "prefix", "prompt", "ia3")


def trainable_parameters(shape: ModelShape, method: MethodSpec) -> int:
    """How many parameters a method trains on a model of this shape (matches PEFT's count)."""
    if method.name == "full":
        return shape.total_params
    if method.name == "last_blocks":
        return method.unfrozen_blocks * shape.block_params + shape.hidden
    if method.name in ("lora", "qlora"):
        shapes = shape.linear_shapes()
        # LoRA adds A (r x in) and B (out x r) to every targeted linear layer.
        return shape.layers * sum(method.lora_rank * (shapes[t][0] + shapes[t][1]) for t in method.lora_targets)
    if method.name == "prefix":
        # A key and a value prefix of `virtual_tokens` positions in every layer (no reparametrization MLP).
        return shape.layers * 2 * method.virtual_tokens * shape.kv_heads * shape.head_dim
    if method.name == "prompt":
        return method.virtual_tokens * shape.hidden
    # IA3 on Llama: learned scales on the key and value outputs and on the down_proj input.
    return shape.layers * (2 * shape.kv_heads * shape.head_dim + shape.intermediate)


def backward_layers(shape: ModelShape, method: MethodSpec) -> int:
    """Blocks whose activations autograd must keep: all, except when only the last blocks train."""
    return method.unfrozen_blocks if method.name == "last_blocks" else shape.layers


def activation_values_per_token(shape: ModelShape, method: MethodSpec) -> int:
    """Values kept per token per block; LoRA with dropout also keeps the dropped-out input of each adapter."""
    values = ACTIVATION_HIDDEN_FACTOR * shape.hidden + ACTIVATION_INTERMEDIATE_FACTOR * shape.intermediate
    if method.name in ("lora", "qlora") and method.lora_dropout > 0:
        shapes = shape.linear_shapes()
        values += sum(shapes[t][0] for t in method.lora_targets)
    return values


@dataclass(frozen=True)
class MemoryEstimate:
    """Training memory in bytes, by where it goes."""

    weights: float
    gradients: float
    optimizer: float
    activations: float

    @property
    def total(self) -> float:
        """Sum of the parts: the peak if everything were alive at once."""
        return self.weights + self.gradients + self.optimizer + self.activations

    def as_mib(self) -> dict[str, float]:
        """The parts and the total in MiB."""
        parts = {"weights": self.weights, "gradients": self.gradients, "optimizer": self.optimizer, "activations": self.activations}
        return {name: value / 2**20 for name, value in {**parts, "total": self.total}.items()}


def estimate_training_memory(
    shape: ModelShape,
    method: MethodSpec,
    batch_size: int,
    seq_len: int,
    weight_dtype: str = "fp32",
    activation_dtype: str = "fp32",
) -> MemoryEstimate:
    """Weights + gradients + AdamW states + activations for one training step of a method.

    Frozen weights are stored in `weight_dtype` (QLoRA: the block linear layers in nf4, the rest in
    `weight_dtype`); trained values, their gradients and both AdamW states are fp32 for adapters and
    `weight_dtype` for full and last-blocks training. Activations: `backward_layers` blocks of
    `activation_values_per_token` values per token, plus LOGIT_COPIES vocabulary-sized fp32 tensors at the loss.
    """
    trained = trainable_parameters(shape, method)
    weight_bytes = bytes_per_value(weight_dtype)
    if method.name == "qlora":
        frozen = shape.linear_params * bytes_per_value("nf4") + (shape.total_params - shape.linear_params) * weight_bytes
    elif method.is_adapter:
        frozen = shape.total_params * weight_bytes
    else:
        frozen = 0.0  # the trained weights are the model's own, counted below
    trained_bytes = BYTES_PER_VALUE["fp32"] if method.is_adapter else weight_bytes
    weights = frozen + (trained * trained_bytes if method.is_adapter else shape.total_params * weight_bytes)
    tokens = batch_size * seq_len
    activations = (
        backward_layers(shape, method) * tokens * activation_values_per_token(shape, method) * bytes_per_value(activation_dtype)
        + LOGIT_COPIES * tokens * shape.vocab * BYTES_PER_VALUE["fp32"]  # the loss upcasts logits to fp32
    )
    return MemoryEstimate(
        weights=weights,
        gradients=trained * trained_bytes,
        optimizer=ADAMW_STATES * trained * trained_bytes,
        activations=activations,
    )


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(trainable, total) parameter counts; a 4-bit weight counts as its unpacked number of values."""
    trainable = total = 0
    for parameter in model.parameters():
        count = parameter.numel()
        if parameter.dtype == torch.uint8 and hasattr(parameter, "quant_state"):
            count = int(torch.Size(parameter.quant_state.shape).numel())  # two 4-bit weights per stored byte
        total += count
        trainable += count if parameter.requires_grad else 0
    return trainable, total


def _quant_state_bytes(state) -> int:
    """Bytes of a bitsandbytes QuantState's constants (absmax, and the nested state of double quantization)."""
    size = 0
    for name in ("absmax", "code", "offset"):
        value = getattr(state, name, None)
        if isinstance(value, torch.Tensor):
            size += value.numel() * value.element_size()
    nested = getattr(state, "state2", None)
    return size + (_quant_state_bytes(nested) if nested is not None else 0)


@dataclass(frozen=True)
class LinearWeightBytes:
    """The block linear layers' weights: how many values, and how many bytes they occupy as stored."""

    values: int
    stored_bytes: int

    def fraction_of(self, dtype: str) -> float:
        """Stored bytes as a fraction of the same values held in `dtype`."""
        return self.stored_bytes / (self.values * bytes_per_value(dtype))


def block_linear_weight_bytes(model: nn.Module) -> LinearWeightBytes:
    """Values and stored bytes (4-bit packing and quantization constants included) of the blocks' linear weights.

    Only the projections named in ALL_LINEAR count, and only their base weight (not LoRA's A and B), so the
    embedding, which bitsandbytes leaves unquantized, does not blur the comparison.
    """
    values = stored = 0
    for name, module in model.named_modules():
        if name.rsplit(".", 1)[-1] not in ALL_LINEAR:
            continue
        base = getattr(module, "base_layer", module)  # a PEFT wrapper keeps the original layer as base_layer
        weight = base.weight
        state = getattr(weight, "quant_state", None)
        if state is not None:
            values += int(torch.Size(state.shape).numel())
            stored += weight.numel() * weight.element_size() + _quant_state_bytes(state)
        else:
            values += weight.numel()
            stored += weight.numel() * weight.element_size()
    return LinearWeightBytes(values, stored)


def weight_bytes(model: nn.Module) -> int:
    """Bytes of every parameter as stored (tied weights counted once, 4-bit quantization constants included)."""
    seen: set[int] = set()
    size = 0
    for tensor in model.parameters():
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        size += tensor.numel() * tensor.element_size()
        state = getattr(tensor, "quant_state", None)
        if state is not None:
            size += _quant_state_bytes(state)
    return size


def saved_activation_bytes(model: nn.Module, batch: dict[str, torch.Tensor]) -> int:
    """Bytes autograd keeps for the backward pass of one forward + loss, counted with saved-tensor hooks.

    Each distinct storage counts once; the model's own parameters (saved by the layers that use them) are
    excluded, so what remains is the activations the estimator predicts.
    """
    parameter_storages = {p.untyped_storage().data_ptr() for p in model.parameters()}
    storages: dict[int, int] = {}

    def keep(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in parameter_storages and storage.device.type != "meta":
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(keep, lambda tensor: tensor):
        loss = model(**batch).loss
    del loss
    return sum(storages.values())
