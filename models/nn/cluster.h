#pragma once
/// Agglomerative clustering with Ward linkage, as scipy.cluster.hierarchy.linkage(method='ward') computes it.
///
/// Points are rows of equal length. The linkage is the list of n - 1 merges in order of height; cluster ids
/// 0..n-1 are the points and n + i is the cluster merge i made. The height of a merge of clusters A and B is
/// sqrt(2 |A||B| / (|A| + |B|)) ||m_A - m_B|| (m the centroids), i.e. sqrt(2 x the increase of the summed squared
/// error): scipy's units. Computed by the nearest-neighbour chain algorithm (O(n^2) time, Lance-Williams updates).

#include <cstdint>
#include <vector>

namespace qdes::nn {

struct Merge {
    int a = 0, b = 0;  ///< the merged cluster ids, a < b
    double height = 0;
    int size = 0;  ///< points in the new cluster
};

/// The Ward linkage of `points` (n >= 1 rows of one length); n - 1 merges, ascending heights.
std::vector<Merge> ward_linkage(const std::vector<std::vector<double>>& points);

/// Flat cluster labels (0.., in order of each cluster's first point) after applying the merges whose height is at
/// most `height`.
std::vector<int> cut_at_height(const std::vector<Merge>& linkage, int points, double height);

/// Flat cluster labels after the first `merges` merges (points - merges clusters).
std::vector<int> cut_after(const std::vector<Merge>& linkage, int points, int merges);

}  // namespace qdes::nn
