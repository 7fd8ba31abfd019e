
:
xPlaceholder*
dtype0*
shape:
:
fPlaceholder*
dtype0*
shape:
.
bPlaceholder*
dtype0*
shape:
ó
fused_depthwise_FusedDepthwiseConv2dNativexfb*
T0*
data_formatNHWC*
	dilations
*
epsilon%·Ñ8*
	fused_ops
BiasAddRelu6*
leakyrelu_alpha%ÍÌL>*
num_args*
paddingSAME*
strides
"ª