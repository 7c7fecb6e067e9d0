# Cases for comparing artifacts (issue 11: `diff`, `check`, `run`). Executed into generate.py's namespace.
# Every value comes from numpy constants or exact assignments (EXACT): the variants differ from the base in
# known ways, so the conformance suite (tests/conformance/test_diff.py) can say which rows must change.

COMPARE_LAYER_SHAPES = {"dense1": (4, 3), "dense2": (3, 2)}


def compare_net(tf, np, layers=("dense1", "dense2"), shapes=None, scale=1.0):
    """A tf.Module with one dense-like layer per name (kernel + bias) and a few odd dtypes. The values are
    numpy constants (times `scale`), so every TensorFlow version and CPU writes the same bytes. The
    conformance suite builds the same module to ask TensorFlow whether a checkpoint fits it."""
    shapes = dict(COMPARE_LAYER_SHAPES, **(shapes or {}))

    class Dense(tf.Module):
        def __init__(self, name, shape, seed):
            super().__init__(name=name)
            n = shape[0] * shape[1]
            self.kernel = tf.Variable((np.linspace(-1, 1, n) * seed * scale).astype(np.float32).reshape(shape),
                                      name="kernel")
            self.bias = tf.Variable((np.arange(shape[1]) * 0.25 * seed).astype(np.float32), name="bias")

    class Net(tf.Module):
        def __init__(self):
            super().__init__(name="net")
            for i, name in enumerate(layers):
                setattr(self, name, Dense(name, shapes.get(name, (3, 3)), i + 1))
            # int64 near the limits (b - a overflows int64), float16, bfloat16, and signed zero / NaN / Inf.
            self.counts = tf.Variable(np.array([2 ** 62, -2 ** 62, 5, 0], np.int64), name="counts")
            self.half = tf.Variable(np.array([0.5, -1.25, 3.0], np.float16), name="half")
            self.brain = tf.Variable(tf.constant([1.5, -2.0], tf.bfloat16), name="brain")
            self.odd = tf.Variable(np.array([0.0, -0.0, np.nan, np.inf, 1.5], np.float32), name="odd")

    return Net()


@case("cmp_variants",
      "tf.train.Checkpoint(model=net) of a small tf.Module (two dense-like layers, int64/float16/bfloat16 and "
      "NaN/Inf/-0 variables) in variants: base, an identical copy, one perturbed element, -0 -> +0, int64 "
      "values whose difference overflows int64, a renamed layer, a lost layer, a reshaped layer, extra "
      "optimizer state; the same net as a SavedModel; and a 3-step CheckpointManager run of assigned values.")
def _(ctx):
    tf, np = ctx.tf, ctx.np

    def save(sub, net, **extra):
        prefix = tf.train.Checkpoint(model=net, **extra).write(ctx.p(sub, "ckpt"))
        ctx.checkpoint(prefix, live_root=None)

    save("base", compare_net(tf, np))
    save("copy", compare_net(tf, np))
    net = compare_net(tf, np)
    net.dense2.kernel[1, 1].assign(net.dense2.kernel[1, 1] + 0.5)
    save("perturbed", net)
    net = compare_net(tf, np)
    net.odd.assign(np.array([0.0, 0.0, np.nan, np.inf, 1.5], np.float32))
    save("zero_sign", net)
    net = compare_net(tf, np)
    net.counts.assign(np.array([-2 ** 62, 2 ** 62, 5, 1], np.int64))
    save("int_flip", net)
    save("renamed", compare_net(tf, np, layers=("block1", "dense2"), shapes={"block1": (4, 3)}))
    save("lost_layer", compare_net(tf, np, layers=("dense1",)))
    save("reshaped", compare_net(tf, np, shapes={"dense2": (3, 5)}))

    # Extra optimizer state: v1 Adam slots created by applying zero gradients (no value changes).
    net = compare_net(tf, np)
    adam = tf.compat.v1.train.AdamOptimizer(learning_rate=0.01)
    params = [net.dense1.kernel, net.dense1.bias, net.dense2.kernel, net.dense2.bias]
    adam.apply_gradients([(tf.zeros_like(p), p) for p in params])
    save("with_optimizer", net, optimizer=adam)

    sm = ctx.p("saved_model", "x")[:-2]
    tf.saved_model.save(compare_net(tf, np), sm)
    ctx.savedmodel(sm)

    net = compare_net(tf, np)
    ck = tf.train.Checkpoint(model=net)
    d = os.path.join(ctx.dir, "run")
    mgr = tf.train.CheckpointManager(ck, d, max_to_keep=5)
    for step in range(3):
        net.dense1.kernel.assign(net.dense1.kernel * 2.0)  # exact: a power of two
        net.counts.assign_add(np.array([0, 0, 1, 1], np.int64))
        mgr.save()
    ctx.checkpoint_dir(d)
