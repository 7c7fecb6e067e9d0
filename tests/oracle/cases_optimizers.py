# Optimizer slot layouts of the Keras optimizers of TF >= 2.11 (Keras 2.11+ in TF 2.15, Keras 3 in TF 2.16+).
# Executed into generate.py's namespace (case, Ctx, TRAINED, Skip, _tiny_data, ... are in scope).
#
# These optimizers write their slots as `optimizer/_variables/<i>` with no slot references in the object graph,
# so a reader has to infer which model variable each slot belongs to. Every checkpoint here records the ground
# truth next to TensorFlow's view (`optimizer_truth` in its artifact record), taken from the optimizer's own
# variable names, which Keras forms from the model variable:
#   Keras 2.11+: `<optimizer name>/<slot>/<model variable name>` (e.g. `Adam/m/dense/kernel:0`)
#   Keras 3:     `<optimizer name>/<model variable path with '/' -> '_'>_<slot>` (e.g. `adam/seq_d0_kernel_momentum`)
# and mapped to checkpoint keys through TensorFlow's own traversal of the live checkpoint object (node ids are
# the positions in that breadth-first list).
#
# `decidable` says what a reader must answer: true = every slot can be linked from the checkpoint alone,
# false = the checkpoint does not determine the links (a reader must say ambiguous/unlinked, never guess),
# null = depends on what the format records (accept either a correct link or an honest "cannot decide").

_OPT_D_IN, _OPT_HIDDEN, _OPT_D_OUT = 3, 4, 2


def _opt_model(ctx, layers, name="seq", d_in=_OPT_D_IN):
    """A tiny Sequential: `layers` = list of (units, trainable)."""
    k = ctx.keras
    stack = [k.Input(shape=(d_in,))]
    for i, (units, trainable) in enumerate(layers):
        layer = k.layers.Dense(units, name="%s_d%d" % (name, i))
        layer.trainable = trainable
        stack.append(layer)
    return k.Sequential(stack, name=name)


def _opt_step(ctx, model, pairs):
    """One training step; `pairs` = [(optimizer, list of the model's trainable variables it updates)]."""
    tf, np = ctx.tf, ctx.np
    d_in = model.inputs[0].shape[-1] if getattr(model, "inputs", None) else _OPT_D_IN
    x, _ = _tiny_data(np, n=8, d_in=int(d_in), d_out=1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True)))
    variables = [v for _, vs in pairs for v in vs]
    grads = tape.gradient(loss, variables)
    pos = 0
    for opt, vs in pairs:
        opt.apply_gradients(zip(grads[pos:pos + len(vs)], vs))
        pos += len(vs)


def _opt_variables(opt):
    return list(opt.variables() if callable(opt.variables) else opt.variables)


def _opt_checkpoint_keys(ctx, root, prefix):
    """{id(python object): checkpoint key} for every variable TensorFlow saved under `root`."""
    from tensorflow.core.protobuf import trackable_object_graph_pb2
    from tensorflow.python.checkpoint import graph_view as gv
    from tensorflow.python.checkpoint import util as ckpt_util
    objs = ckpt_util.objects_ids_and_slot_variables_and_paths(gv.ObjectGraphView(root))[0]
    g = trackable_object_graph_pb2.TrackableObjectGraph()
    g.ParseFromString(bytes(ctx.tf.train.load_checkpoint(prefix).get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")))
    keys = {}
    for i, o in enumerate(objs):
        for a in g.nodes[i].attributes:
            if a.name == "VARIABLE_VALUE":
                keys[id(o)] = a.checkpoint_key
    return keys


def _opt_key_of(keys, v):
    for o in (v, getattr(v, "_value", None), getattr(v, "value", None)):
        if o is not None and id(o) in keys:
            return keys[id(o)]
    return None


def _opt_truth(ctx, keys, attribute, opt, model_vars):
    """The slots of one optimizer: each optimizer variable named after a model variable, with that link."""
    slots, state = [], []
    if ctx.keras_major >= 3:
        tokens = [(v.path.replace("/", "_") + "_", v) for v in model_vars]
        for sv in _opt_variables(opt):
            rest = sv.path.split("/", 1)[1] if "/" in sv.path else sv.path
            hits = sorted(((t, v) for t, v in tokens if rest.startswith(t)), key=lambda tv: -len(tv[0]))
            if hits:
                t, v = hits[0]
                slots.append((sv, rest[len(t):], v))
            else:
                state.append(sv)
    else:
        by_name = {v.name: v for v in model_vars}
        for sv in _opt_variables(opt):
            parts = sv.name.split("/", 2)
            v = by_name.get(parts[2]) if len(parts) == 3 else None
            if v is not None:
                slots.append((sv, parts[1], v))
            else:
                state.append(sv)
    out = []
    for sv, slot, v in slots:
        assert tuple(sv.shape) == tuple(v.shape) or slot in ("r", "c", "velocity_hat_r", "v_r"), (sv, v)
        out.append({"key": _opt_key_of(keys, sv), "slot": slot, "variable_key": _opt_key_of(keys, v),
                    "shape_matches": tuple(sv.shape) == tuple(v.shape)})
        assert out[-1]["key"] and out[-1]["variable_key"], (sv, v)
    return {"attribute": attribute, "class": type(opt).__name__, "slots": out,
            "state": sorted(k for k in (_opt_key_of(keys, s) for s in state) if k)}


def _opt_write(ctx, sub, model, optimizers, decidable, note=None):
    """Checkpoint(model=..., <attribute>=optimizer...) after one step; records the ground truth."""
    tf = ctx.tf
    ck = tf.train.Checkpoint(model=model, **dict(optimizers))
    prefix = os.path.join(ctx.dir, sub, "ckpt")
    ck.write(prefix)
    keys = _opt_checkpoint_keys(ctx, ck, prefix)
    truth = {"keras_major": ctx.keras_major, "decidable": decidable,
             "optimizers": [_opt_truth(ctx, keys, attr, opt, list(model.variables)) for attr, opt in optimizers]}
    if note:
        truth["note"] = note
    ctx.checkpoint(prefix, live_root=ck, extra={"optimizer_truth": truth})


def _opt_single(ctx, sub, make, layers=((_OPT_HIDDEN, True), (_OPT_D_OUT, True)), decidable=True, note=None,
                d_in=_OPT_D_IN):
    tf = ctx.tf
    try:
        opt = make()
    except (AttributeError, TypeError, ValueError) as e:
        ctx.notes.append("%s: not available in this Keras (%s)" % (sub, e))
        return
    model = _opt_model(ctx, list(layers), d_in=d_in)
    _opt_step(ctx, model, [(opt, list(model.trainable_variables))])
    _opt_write(ctx, sub, model, [("optimizer", opt)], decidable, note)


@case("ckpt_optimizers_defaults",
      "tf.train.Checkpoint(model, optimizer) after one step, one checkpoint per Keras optimizer with its default "
      "settings (adam, sgd, rmsprop, adagrad, adadelta, adamax, nadam, ftrl, adamw, lion, adafactor): slots as "
      "optimizer/_variables/<i>; optimizer_truth links each slot to its model variable.",
      values=TRAINED)  # one training step per optimizer
def _(ctx):
    if ctx.keras_major is None or ctx.keras_major < 2:
        raise Skip("no Keras")
    o = ctx.keras.optimizers
    for sub, make, decidable in [
            ("adam", lambda: o.Adam(), True), ("sgd", lambda: o.SGD(), True), ("rmsprop", lambda: o.RMSprop(), True),
            ("adagrad", lambda: o.Adagrad(), True), ("adadelta", lambda: o.Adadelta(), True),
            ("adamax", lambda: o.Adamax(), True), ("nadam", lambda: o.Nadam(), True), ("ftrl", lambda: o.Ftrl(), True),
            ("adamw", lambda: o.AdamW(), True), ("lion", lambda: o.Lion(), True),
            # Adafactor factors the second moment of a matrix into row and column vectors: no slot has the
            # shape of its variable, so nothing may be linked by shape.
            ("adafactor", lambda: o.Adafactor(), None)]:
        _opt_single(ctx, sub, make, decidable=decidable)


@case("ckpt_optimizers_variants",
      "Optimizer settings that add slots: SGD(momentum=0.9), Adam(amsgrad=True), RMSprop(centered=True), "
      "RMSprop(momentum=0.5, centered=True), Adam(use_ema=True); one checkpoint each after one step.",
      values=TRAINED)  # one training step per optimizer
def _(ctx):
    if ctx.keras_major is None:
        raise Skip("no Keras")
    o = ctx.keras.optimizers
    _opt_single(ctx, "sgd_momentum", lambda: o.SGD(momentum=0.9))
    _opt_single(ctx, "adam_amsgrad", lambda: o.Adam(amsgrad=True))
    _opt_single(ctx, "rmsprop_centered", lambda: o.RMSprop(centered=True))
    _opt_single(ctx, "rmsprop_momentum_centered", lambda: o.RMSprop(momentum=0.5, centered=True))
    _opt_single(ctx, "adam_ema", lambda: o.Adam(use_ema=True))


@case("ckpt_optimizers_adversarial",
      "Layouts that defeat naive slot inference: three consecutive Dense(4) layers of identical shapes (Adam); "
      "the same with the middle layer frozen (its variables have no slots); two optimizers (Adam on the first "
      "layer, SGD momentum on the second) in one checkpoint.",
      values=TRAINED)  # one training step
def _(ctx):
    if ctx.keras_major is None:
        raise Skip("no Keras")
    o = ctx.keras.optimizers
    same = ((_OPT_HIDDEN, True),) * 3
    _opt_single(ctx, "identical_layers", lambda: o.Adam(), layers=same, decidable=True, d_in=_OPT_HIDDEN)
    # Keras 2 records no list of trainable variables: 4 slots per kind fit 6 candidates of identical shapes in
    # several ways. Keras 3 records optimizer/_trainable_variables.
    _opt_single(ctx, "frozen_layer", lambda: o.Adam(), layers=((_OPT_HIDDEN, True), (_OPT_HIDDEN, False),
                                                               (_OPT_HIDDEN, True)), decidable=None,
                d_in=_OPT_HIDDEN)
    model = _opt_model(ctx, [(_OPT_HIDDEN, True), (_OPT_D_OUT, True)], name="two")
    first, second = model.layers[0].trainable_variables, model.layers[1].trainable_variables
    adam, sgd = o.Adam(), o.SGD(momentum=0.9)
    _opt_step(ctx, model, [(adam, list(first)), (sgd, list(second))])
    _opt_write(ctx, "two_optimizers", model, [("optimizer", adam), ("head_optimizer", sgd)], decidable=True,
               note="the two layers have different shapes, so each optimizer's slots fit its own layer only")
