#include "models/nn/train.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/nn/im2col.h"
#include "models/nn/inference.h"

namespace qdes::nn {

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMap = Eigen::Map<RowMat>;
using ConstRowMap = Eigen::Map<const RowMat>;

constexpr double kBatchNormMomentum = 0.1;  // PyTorch's default

/// What batch norm in training mode keeps for the backward pass.
struct BatchNormCache {
    std::vector<float> inv_std;  ///< 1 / sqrt(batch variance + eps), per channel
    Tensor normalized;           ///< x-hat
    std::vector<double> mean, unbiased_var;
};

struct ForwardCache {
    std::vector<Tensor> out;
    std::map<int, BatchNormCache> bn;
};

std::int64_t channel_inner(const Tensor& x) {
    return x.size() / (x.shape[0] * x.shape[1]);
}

Tensor batchnorm_training(const Node& node, const Tensor& x, BatchNormCache& cache) {
    const std::int64_t n = x.shape[0], C = x.shape[1], inner = channel_inner(x), m = n * inner;
    Tensor y(x.shape);
    cache.normalized = Tensor(x.shape);
    cache.inv_std.assign(static_cast<std::size_t>(C), 0);
    cache.mean.assign(static_cast<std::size_t>(C), 0);
    cache.unbiased_var.assign(static_cast<std::size_t>(C), 0);
    const float *gamma = node.param("gamma").data(), *beta = node.param("beta").data();
    for (std::int64_t c = 0; c < C; ++c) {
        double sum = 0, squares = 0;
        for (std::int64_t s = 0; s < n; ++s) {
            const float* p = x.data() + (s * C + c) * inner;
            for (std::int64_t i = 0; i < inner; ++i) sum += p[i];
        }
        const double mean = sum / static_cast<double>(m);
        for (std::int64_t s = 0; s < n; ++s) {
            const float* p = x.data() + (s * C + c) * inner;
            for (std::int64_t i = 0; i < inner; ++i) squares += (p[i] - mean) * (p[i] - mean);
        }
        const double var = squares / static_cast<double>(m);
        const auto inv = static_cast<float>(1.0 / std::sqrt(var + node.eps));
        cache.inv_std[static_cast<std::size_t>(c)] = inv;
        cache.mean[static_cast<std::size_t>(c)] = mean;
        cache.unbiased_var[static_cast<std::size_t>(c)] = m > 1 ? squares / static_cast<double>(m - 1) : var;
        for (std::int64_t s = 0; s < n; ++s) {
            const std::int64_t at = (s * C + c) * inner;
            for (std::int64_t i = 0; i < inner; ++i) {
                const float h = (x.values[static_cast<std::size_t>(at + i)] - static_cast<float>(mean)) * inv;
                cache.normalized.values[static_cast<std::size_t>(at + i)] = h;
                y.values[static_cast<std::size_t>(at + i)] = gamma[c] * h + beta[c];
            }
        }
    }
    return y;
}

ForwardCache forward_cached(const Graph& graph, const Tensor& batch, bool bn_training) {
    ForwardCache cache;
    const int count = static_cast<int>(graph.nodes.size());
    cache.out.resize(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const Node& node = graph.nodes[static_cast<std::size_t>(i)];
        std::vector<const Tensor*> in;
        for (int j : graph.inputs_of(i)) in.push_back(j < 0 ? &batch : &cache.out[static_cast<std::size_t>(j)]);
        cache.out[static_cast<std::size_t>(i)] = node.op == Op::kBatchNorm && bn_training
                                                     ? batchnorm_training(node, *in.at(0), cache.bn[i])
                                                     : run_node(node, in);
    }
    return cache;
}

/// The logits the loss reads: the last node's output, or the input of a last softmax node.
int logits_node(const Graph& graph) {
    const int last = static_cast<int>(graph.nodes.size()) - 1;
    if (graph.nodes.back().op == Op::kSoftmax) return graph.inputs_of(last).at(0);
    return last;
}

/// Mean cross-entropy of logits [n, k] against labels, the number right, and (when `grad`) d loss / d logits.
double cross_entropy(const Tensor& logits, const std::vector<int>& labels, std::int64_t& correct, Tensor* grad) {
    const std::int64_t n = logits.shape.at(0), k = logits.size() / n;
    if (static_cast<std::int64_t>(labels.size()) != n)
        throw ModelError("loss: " + std::to_string(n) + " samples but " + std::to_string(labels.size()) + " labels");
    if (grad) *grad = Tensor(logits.shape);
    double total = 0;
    correct = 0;
    for (std::int64_t s = 0; s < n; ++s) {
        const float* z = logits.data() + s * k;
        const int y = labels[static_cast<std::size_t>(s)];
        if (y < 0 || y >= k)
            throw ModelError("loss: label " + std::to_string(y) + " outside the network's " + std::to_string(k) +
                             " outputs");
        const double top = *std::max_element(z, z + k);
        double sum = 0;
        for (std::int64_t i = 0; i < k; ++i) sum += std::exp(z[i] - top);
        total += std::log(sum) + top - z[y];
        if (std::max_element(z, z + k) - z == y) ++correct;
        if (grad)
            for (std::int64_t i = 0; i < k; ++i)
                grad->values[static_cast<std::size_t>(s * k + i)] =
                    static_cast<float>((std::exp(z[i] - top) / sum - (i == y ? 1.0 : 0.0)) / static_cast<double>(n));
    }
    return total / static_cast<double>(n);
}

void accumulate(Tensor& into, const Tensor& add, const Shape& shape) {
    if (into.values.empty()) {
        into = add;
        into.shape = shape;
        return;
    }
    for (std::size_t i = 0; i < into.values.size(); ++i) into.values[i] += add.values[i];
}

void linear_backward(const Node& node, const Tensor& x, const Tensor& dy, Tensor& dx,
                     std::map<std::string, Tensor>& g) {
    const std::int64_t in = node.in_features, out = node.out_features, rows = x.size() / in;
    ConstRowMap X(x.data(), rows, in), dY(dy.data(), rows, out);
    Tensor dw({out, in});
    RowMap(dw.data(), out, in).noalias() = dY.transpose() * X;
    g["weight"] = std::move(dw);
    if (node.has("bias")) {
        Tensor db({out});
        Eigen::Map<Eigen::RowVectorXf>(db.data(), out) = dY.colwise().sum();
        g["bias"] = std::move(db);
    }
    dx = Tensor(x.shape);
    RowMap(dx.data(), rows, in).noalias() = dY * ConstRowMap(node.param("weight").data(), out, in);
}

void conv_backward(const Node& node, const Tensor& x, const Tensor& dy, Tensor& dx, std::map<std::string, Tensor>& g) {
    const std::int64_t n = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
    const std::int64_t K = node.out_channels, P = dy.shape[2], Q = dy.shape[3], groups = node.groups;
    const std::int64_t Cg = C / groups, Kg = K / groups, rows = Cg * node.kernel_h * node.kernel_w;
    const ConvGeometry geometry{
        Cg, H, W, node.kernel_h, node.kernel_w, P, Q, node.stride_h, node.stride_w, node.pad_h, node.pad_w};
    const Tensor& w = node.param("weight");
    Tensor dw(w.shape);
    dx = Tensor(x.shape);
    RowMat cols(rows, P * Q), dcols(rows, P * Q);
    for (std::int64_t s = 0; s < n; ++s)
        for (std::int64_t gi = 0; gi < groups; ++gi) {
            const std::int64_t plane_at = s * C * H * W + gi * Cg * H * W;
            im2col(geometry, x.data() + plane_at, cols.data());
            ConstRowMap dY(dy.data() + (s * K + gi * Kg) * P * Q, Kg, P * Q);
            RowMap(dw.data() + gi * Kg * rows, Kg, rows).noalias() += dY * cols.transpose();
            dcols.noalias() = ConstRowMap(w.data() + gi * Kg * rows, Kg, rows).transpose() * dY;
            col2im_add(geometry, dcols.data(), dx.data() + plane_at);
        }
    g["weight"] = std::move(dw);
    if (node.has("bias")) {
        Tensor db({K});
        for (std::int64_t s = 0; s < n; ++s)
            for (std::int64_t k = 0; k < K; ++k)
                for (std::int64_t i = 0; i < P * Q; ++i)
                    db.values[static_cast<std::size_t>(k)] +=
                        dy.values[static_cast<std::size_t>((s * K + k) * P * Q + i)];
        g["bias"] = std::move(db);
    }
}

void batchnorm_backward(const Node& node, const Tensor& x, const Tensor& dy, const BatchNormCache* cache, Tensor& dx,
                        std::map<std::string, Tensor>& g) {
    const std::int64_t n = x.shape[0], C = x.shape[1], inner = channel_inner(x);
    const auto m = static_cast<double>(n * inner);
    const float *gamma = node.param("gamma").data(), *mean = node.param("mean").data();
    const float* var = node.param("var").data();
    Tensor dgamma({C}), dbeta({C});
    dx = Tensor(x.shape);
    for (std::int64_t c = 0; c < C; ++c) {
        const float inv = cache ? cache->inv_std[static_cast<std::size_t>(c)]
                                : static_cast<float>(1.0 / std::sqrt(var[c] + node.eps));
        auto xhat = [&](std::int64_t at) {
            return cache ? cache->normalized.values[static_cast<std::size_t>(at)]
                         : (x.values[static_cast<std::size_t>(at)] - mean[c]) * inv;
        };
        double sum_dy = 0, sum_dy_xhat = 0;
        for (std::int64_t s = 0; s < n; ++s)
            for (std::int64_t i = 0; i < inner; ++i) {
                const std::int64_t at = (s * C + c) * inner + i;
                sum_dy += dy.values[static_cast<std::size_t>(at)];
                sum_dy_xhat += dy.values[static_cast<std::size_t>(at)] * xhat(at);
            }
        dgamma.values[static_cast<std::size_t>(c)] = static_cast<float>(sum_dy_xhat);
        dbeta.values[static_cast<std::size_t>(c)] = static_cast<float>(sum_dy);
        for (std::int64_t s = 0; s < n; ++s)
            for (std::int64_t i = 0; i < inner; ++i) {
                const std::int64_t at = (s * C + c) * inner + i;
                const double d = dy.values[static_cast<std::size_t>(at)];
                // Training mode: the batch mean and variance depend on x too.
                const double v = cache ? (d - sum_dy / m - xhat(at) * sum_dy_xhat / m) : d;
                dx.values[static_cast<std::size_t>(at)] = static_cast<float>(gamma[c] * inv * v);
            }
    }
    g["gamma"] = std::move(dgamma);
    g["beta"] = std::move(dbeta);
}

Tensor pool_backward(const Node& node, const Tensor& x, const Tensor& dy, bool max) {
    const std::int64_t n = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
    const std::int64_t k = node.pool_kernel, st = node.pool_stride, pad = node.pool_pad;
    const std::int64_t P = dy.shape[2], Q = dy.shape[3];
    Tensor dx(x.shape);
    for (std::int64_t sc = 0; sc < n * C; ++sc) {
        const float* plane = x.data() + sc * H * W;
        float* dplane = dx.data() + sc * H * W;
        const float* d = dy.data() + sc * P * Q;
        for (std::int64_t p = 0; p < P; ++p)
            for (std::int64_t q = 0; q < Q; ++q) {
                std::int64_t best = -1, inside = 0;
                float best_value = -std::numeric_limits<float>::infinity();
                for (std::int64_t r = 0; r < k; ++r)
                    for (std::int64_t t = 0; t < k; ++t) {
                        const std::int64_t h = p * st - pad + r, v = q * st - pad + t;
                        if (h < 0 || h >= H || v < 0 || v >= W) continue;
                        ++inside;
                        if (plane[h * W + v] > best_value || best < 0) best_value = plane[h * W + v], best = h * W + v;
                    }
                const float g = d[p * Q + q];
                if (max) {
                    if (best >= 0) dplane[best] += g;
                    continue;
                }
                const float share =
                    g / static_cast<float>(node.count_include_pad ? k * k : std::max<std::int64_t>(inside, 1));
                for (std::int64_t r = 0; r < k; ++r)
                    for (std::int64_t t = 0; t < k; ++t) {
                        const std::int64_t h = p * st - pad + r, v = q * st - pad + t;
                        if (h >= 0 && h < H && v >= 0 && v < W) dplane[h * W + v] += share;
                    }
            }
    }
    return dx;
}

/// d loss / d input of node i, given d loss / d output; weight gradients into `g`.
std::vector<Tensor> node_backward(const Graph& graph, int i, const ForwardCache& cache, const Tensor& batch,
                                  const Tensor& dy, std::map<std::string, Tensor>& g, bool bn_training) {
    const Node& node = graph.nodes[static_cast<std::size_t>(i)];
    std::vector<const Tensor*> in;
    for (int j : graph.inputs_of(i)) in.push_back(j < 0 ? &batch : &cache.out[static_cast<std::size_t>(j)]);
    const Tensor& x = *in.at(0);
    const Tensor& y = cache.out[static_cast<std::size_t>(i)];
    Tensor dx;
    switch (node.op) {
        case Op::kLinear:
            linear_backward(node, x, dy, dx, g);
            break;
        case Op::kConv:
            conv_backward(node, x, dy, dx, g);
            break;
        case Op::kBatchNorm:
            batchnorm_backward(node, x, dy, bn_training ? &cache.bn.at(i) : nullptr, dx, g);
            break;
        case Op::kRelu:
            dx = dy;
            for (std::size_t k = 0; k < dx.values.size(); ++k)
                if (!(y.values[k] > 0)) dx.values[k] = 0;
            break;
        case Op::kClip:
            dx = dy;
            for (std::size_t k = 0; k < dx.values.size(); ++k)
                if (!(x.values[k] > node.clip_min && x.values[k] < node.clip_max)) dx.values[k] = 0;
            break;
        case Op::kMaxPool:
        case Op::kAvgPool:
            dx = pool_backward(node, x, dy, node.op == Op::kMaxPool);
            break;
        case Op::kGlobalAvgPool: {
            dx = Tensor(x.shape);
            const std::int64_t hw = x.shape[2] * x.shape[3];
            for (std::int64_t k = 0; k < x.size(); ++k)
                dx.values[static_cast<std::size_t>(k)] =
                    dy.values[static_cast<std::size_t>(k / hw)] / static_cast<float>(hw);
            break;
        }
        case Op::kAdd:
            return {dy, dy};
        case Op::kFlatten:
            dx = dy;
            dx.shape = x.shape;
            break;
        case Op::kSoftmax: {
            dx = dy;
            const std::int64_t d = y.shape.back(), rows = y.size() / d;
            for (std::int64_t r = 0; r < rows; ++r) {
                double dot = 0;
                for (std::int64_t k = 0; k < d; ++k)
                    dot +=
                        dy.values[static_cast<std::size_t>(r * d + k)] * y.values[static_cast<std::size_t>(r * d + k)];
                for (std::int64_t k = 0; k < d; ++k) {
                    const auto at = static_cast<std::size_t>(r * d + k);
                    dx.values[at] = static_cast<float>(y.values[at] * (dy.values[at] - dot));
                }
            }
            break;
        }
        case Op::kTokens: {
            dx = Tensor(x.shape);
            const std::int64_t n = x.shape[0], C = x.shape[1], HW = x.shape[2] * x.shape[3];
            for (std::int64_t s = 0; s < n; ++s)
                for (std::int64_t c = 0; c < C; ++c)
                    for (std::int64_t t = 0; t < HW; ++t)
                        dx.values[static_cast<std::size_t>((s * C + c) * HW + t)] =
                            dy.values[static_cast<std::size_t>((s * HW + t) * C + c)];
            break;
        }
        case Op::kMoe:
            throw ModelError("node '" + node.name + "': the trainer does not train mixture-of-experts nodes");
    }
    return {dx};
}

}  // namespace

void check_trainable(const Graph& graph) {
    if (graph.nodes.empty()) throw ModelError("network '" + graph.name + "' has no nodes to train");
    for (const Node& node : graph.nodes) {
        if (node.op == Op::kMoe)
            throw ModelError("node '" + node.name + "': the trainer does not train mixture-of-experts nodes");
        if (node.weight_bits > 0 || (node.activation_bits > 0 && node.input_scale > 0))
            throw ModelError("node '" + node.name +
                             "' is quantized; the trainer trains float networks (prune and fine-tune, then quantize)");
    }
    for (std::size_t i = 0; i + 1 < graph.nodes.size(); ++i)
        if (graph.nodes[i].op == Op::kSoftmax)
            throw ModelError("node '" + graph.nodes[i].name +
                             "': the trainer takes a softmax only as the last node (folded into the loss)");
}

LossGradients loss_gradients(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                             const GradientOptions& options) {
    check_trainable(graph);
    const ForwardCache cache = forward_cached(graph, batch, options.batchnorm_training);
    const int top = logits_node(graph);
    LossGradients result;
    std::vector<Tensor> grad_out(graph.nodes.size());
    result.loss = cross_entropy(cache.out[static_cast<std::size_t>(top)], labels, result.correct,
                                &grad_out[static_cast<std::size_t>(top)]);
    for (int i = top; i >= 0; --i) {
        const Tensor& dy = grad_out[static_cast<std::size_t>(i)];
        if (dy.values.empty()) continue;
        std::map<std::string, Tensor> g;
        std::vector<Tensor> dx = node_backward(graph, i, cache, batch, dy, g, options.batchnorm_training);
        if (!g.empty()) result.grads[i] = std::move(g);
        const std::vector<int> inputs = graph.inputs_of(i);
        for (std::size_t k = 0; k < inputs.size() && k < dx.size(); ++k)
            if (inputs[k] >= 0)
                accumulate(grad_out[static_cast<std::size_t>(inputs[k])], dx[k],
                           cache.out[static_cast<std::size_t>(inputs[k])].shape);
        grad_out[static_cast<std::size_t>(i)] = Tensor();
    }
    for (const auto& [i, bn] : cache.bn) result.batch_stats[i] = {bn.mean, bn.unbiased_var};
    return result;
}

double mean_loss(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                 const GradientOptions& options) {
    check_trainable(graph);
    const ForwardCache cache = forward_cached(graph, batch, options.batchnorm_training);
    std::int64_t correct = 0;
    return cross_entropy(cache.out[static_cast<std::size_t>(logits_node(graph))], labels, correct, nullptr);
}

void initialize(Graph& graph, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](Tensor& t, double bound) {
        for (float& v : t.values)
            v = static_cast<float>((2.0 * static_cast<double>(rng() >> 11) * 0x1.0p-53 - 1.0) * bound);
    };
    for (Node& node : graph.nodes) {
        if (node.op == Op::kConv || node.op == Op::kLinear) {
            const double fan_in =
                node.op == Op::kLinear
                    ? static_cast<double>(node.in_features)
                    : static_cast<double>(node.in_channels / node.groups * node.kernel_h * node.kernel_w);
            const double bound = 1.0 / std::sqrt(fan_in);
            uniform(node.param("weight"), bound);
            if (node.has("bias")) uniform(node.param("bias"), bound);
        } else if (node.op == Op::kBatchNorm) {
            std::fill(node.param("gamma").values.begin(), node.param("gamma").values.end(), 1.0f);
            std::fill(node.param("beta").values.begin(), node.param("beta").values.end(), 0.0f);
            std::fill(node.param("mean").values.begin(), node.param("mean").values.end(), 0.0f);
            std::fill(node.param("var").values.begin(), node.param("var").values.end(), 1.0f);
        }
        for (const auto& [role, mask] : node.masks) {
            Tensor& w = node.param(role);
            for (std::size_t i = 0; i < w.values.size(); ++i) w.values[i] *= mask.values[i];
        }
    }
}

void update_running_stats(Graph& graph,
                          const std::map<int, std::pair<std::vector<double>, std::vector<double>>>& batch_stats) {
    for (const auto& [i, stats] : batch_stats) {
        Node& bn = graph.nodes.at(static_cast<std::size_t>(i));
        float *mean = bn.param("mean").data(), *var = bn.param("var").data();
        for (std::size_t c = 0; c < stats.first.size(); ++c) {
            mean[c] = static_cast<float>((1 - kBatchNormMomentum) * mean[c] + kBatchNormMomentum * stats.first[c]);
            var[c] = static_cast<float>((1 - kBatchNormMomentum) * var[c] + kBatchNormMomentum * stats.second[c]);
        }
    }
}

void Sgd::step(Graph& graph, const WeightGrads& grads, double lr) {
    for (const auto& [i, roles] : grads) {
        Node& node = graph.nodes.at(static_cast<std::size_t>(i));
        for (const auto& [role, grad] : roles) {
            Tensor& w = node.param(role);
            auto [it, first] = velocity_[i].try_emplace(role, w.shape);
            Tensor& v = it->second;
            const auto* mask = node.masks.count(role) ? &node.masks.at(role) : nullptr;
            for (std::size_t k = 0; k < w.values.size(); ++k) {
                const double g = grad.values[k] + weight_decay_ * w.values[k];
                const double vel = first ? g : momentum_ * v.values[k] + g;
                v.values[k] = static_cast<float>(vel);
                w.values[k] = static_cast<float>(w.values[k] - lr * vel);
                if (mask) w.values[k] *= mask->values[k];
            }
        }
    }
}

std::vector<std::int64_t> permutation(std::int64_t n, std::mt19937_64& rng) {
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    for (std::int64_t i = n - 1; i > 0; --i) {
        // Unbiased draw in [0, i] by rejection.
        const std::uint64_t range = static_cast<std::uint64_t>(i) + 1;
        const std::uint64_t limit =
            std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
        std::uint64_t r = rng();
        while (r >= limit) r = rng();
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(r % range)]);
    }
    return order;
}

std::vector<EpochLog> train(Graph& graph, const Dataset& data, const TrainOptions& options) {
    check_trainable(graph);
    if (data.sample_shape() != graph.input_shape)
        throw ModelError("network '" + graph.name + "' takes samples of shape " + to_string(graph.input_shape) +
                         ", dataset " + data.name + " has " + to_string(data.sample_shape()));
    if (options.epochs < 1 || options.batch_size < 1 || !(options.lr > 0))
        throw ModelError("training needs epochs >= 1, batch >= 1 and a learning rate > 0");
    std::mt19937_64 rng(options.seed);
    Sgd sgd(options.momentum, options.weight_decay);
    std::vector<EpochLog> logs;
    std::int64_t steps = 0;
    const std::int64_t n = data.size(), per = n > 0 ? data.samples.size() / n : 0;
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
        const double lr = options.schedule == LrSchedule::kCosine
                              ? options.lr * 0.5 * (1 + std::cos(M_PI * epoch / options.epochs))
                              : options.lr;
        const std::vector<std::int64_t> order = permutation(n, rng);
        double loss = 0;
        std::int64_t correct = 0, seen = 0;
        for (std::int64_t first = 0; first < n; first += options.batch_size) {
            const std::int64_t count = std::min(options.batch_size, n - first);
            Tensor batch;
            batch.shape = data.samples.shape;
            batch.shape[0] = count;
            batch.values.resize(static_cast<std::size_t>(count * per));
            std::vector<int> labels(static_cast<std::size_t>(count));
            for (std::int64_t k = 0; k < count; ++k) {
                const std::int64_t s = order[static_cast<std::size_t>(first + k)];
                std::copy_n(data.samples.data() + s * per, per, batch.data() + k * per);
                labels[static_cast<std::size_t>(k)] = data.labels[static_cast<std::size_t>(s)];
            }
            LossGradients lg = loss_gradients(graph, batch, labels);
            update_running_stats(graph, lg.batch_stats);
            sgd.step(graph, lg.grads, lr);
            loss += lg.loss * static_cast<double>(count);
            correct += lg.correct;
            seen += count;
            ++steps;
            if (options.on_step) options.on_step(steps, graph);
            if (options.max_steps > 0 && steps >= options.max_steps) break;
        }
        EpochLog log{epoch + 1, lr, loss / static_cast<double>(std::max<std::int64_t>(seen, 1)),
                     static_cast<double>(correct) / static_cast<double>(std::max<std::int64_t>(seen, 1)), steps};
        logs.push_back(log);
        if (options.on_epoch) options.on_epoch(log);
        if (options.max_steps > 0 && steps >= options.max_steps) break;
    }
    return logs;
}

}  // namespace qdes::nn
