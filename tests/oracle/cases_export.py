# Cases for the TF1 SavedModel export (issue 12: `export savedmodel CKPT OUT --meta M.meta`). Executed into
# generate.py's namespace. The variables are numpy constants (EXACT); the session's outputs on fixed inputs are
# recorded as signature reference outputs (`sig/<dir>/export_tf1/in|out/<name>`, compared within the tolerance
# like every signature output), so the conformance suite can run our export's signature against them.


@case("export_tf1_meta_graph",
      "TF1 graph mode: placeholder x [None,4] and a PlaceholderWithDefault `temperature`, two dense layers via "
      "get_variable (numpy-constant values, kernel float32 and an int64 step counter), outputs `probs` "
      "(softmax), `classes` (argmax, int64) and `logits`; Saver().save -> model.ckpt + model.ckpt.meta; the "
      "session's outputs on fixed inputs recorded under sig/train/export_tf1.")
def _(ctx):
    tf, np = ctx.tf, ctx.np
    d = os.path.join(ctx.dir, "train")
    os.makedirs(d, exist_ok=True)
    x_np = np.linspace(-2, 2, 20, dtype=np.float32).reshape(5, 4)
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
        temperature = tf.compat.v1.placeholder_with_default(tf.constant(1.0), [], name="temperature")
        with tf.compat.v1.variable_scope("dense"):
            w1 = tf.compat.v1.get_variable(
                "kernel", initializer=tf.constant(np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 6)))
            b1 = tf.compat.v1.get_variable("bias", initializer=tf.constant(np.arange(6, dtype=np.float32) / 10))
        with tf.compat.v1.variable_scope("dense_1"):
            w2 = tf.compat.v1.get_variable(
                "kernel", initializer=tf.constant(np.linspace(1, -1, 18, dtype=np.float32).reshape(6, 3)))
            b2 = tf.compat.v1.get_variable("bias", initializer=tf.constant([0.5, -0.25, 0.0], tf.float32))
        step = tf.identity(tf.compat.v1.get_variable("step", initializer=tf.constant(7, tf.int64), trainable=False),
                           name="step_value")
        h = tf.nn.relu(tf.matmul(x, w1) + b1, name="hidden")
        logits = tf.identity((tf.matmul(h, w2) + b2) / temperature, name="logits")
        probs = tf.nn.softmax(logits, name="probs")
        classes = tf.argmax(probs, axis=1, name="classes")
        saver = tf.compat.v1.train.Saver(save_relative_paths=True)
        with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = saver.save(sess, os.path.join(d, "model.ckpt"), write_state=False)
            out = sess.run({"probs": probs, "classes": classes, "logits": logits, "step": step}, {x: x_np})
            cooled = sess.run(logits, {x: x_np, temperature: 2.0})
    rel = ctx.rel(d)
    ctx.arrays["sig/%s/export_tf1/in/x" % rel] = x_np
    for k, v in out.items():
        ctx.arrays["sig/%s/export_tf1/out/%s" % (rel, k)] = np.asarray(v)
    ctx.arrays["sig/%s/export_tf1/out/logits_t2" % rel] = cooled
    ctx.checkpoint(prefix, extra={"export_tf1": {
        "inputs": {"x": "x:0", "temperature": "temperature:0"},
        "outputs": {"probs": "probs:0", "classes": "classes:0", "logits": "logits:0", "step": "step_value:0"},
        "reference": "sig/%s/export_tf1" % rel}})
